/**
 * The server's own explanation from an error body. Services answer in several shapes (spec §6.2):
 * JSON `{message}` (AnnotationEngine, PyChunkedGraph `{code, message, traceback}`), middle_auth plain
 * text or `{error, message}`, JSON-encoded strings (skeleton service), nginx HTML pages.
 */

const MAX_MESSAGE = 500

export function extractServerMessage(body: string, contentType = ''): string | undefined {
  const text = body.trim()
  if (!text) return undefined
  const json = /json/i.test(contentType) || /^[[{"]/.test(text)
  if (json) {
    const fromJson = messageFromJson(text)
    if (fromJson !== undefined) return clip(fromJson)
  }
  // Flask sends plain strings as text/html (middle_auth's 403 texts), so only markup is parsed as HTML.
  if (/^<(!doctype|html|head|body)/i.test(text) || (/html/i.test(contentType) && text.startsWith('<'))) {
    const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(text)?.[1] ?? /<h1[^>]*>([\s\S]*?)<\/h1>/i.exec(text)?.[1]
    return title ? clip(decodeEntities(title.replace(/<[^>]+>/g, ''))) : undefined
  }
  return clip(text)
}

function messageFromJson(text: string): string | undefined {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return undefined
  }
  if (typeof value === 'string') return value
  if (typeof value !== 'object' || value === null) return undefined
  const o = value as Record<string, unknown>
  for (const key of ['message', 'error', 'detail', 'description']) {
    const v = o[key]
    if (typeof v === 'string' && v) return v
    if (typeof v === 'object' && v !== null && typeof (v as { message?: unknown }).message === 'string') {
      return (v as { message: string }).message
    }
  }
  return undefined
}

function clip(s: string): string | undefined {
  const one = s.replace(/\s+/g, ' ').trim()
  if (!one) return undefined
  return one.length > MAX_MESSAGE ? `${one.slice(0, MAX_MESSAGE)}…` : one
}

function decodeEntities(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCharCode(Number(d)))
    .replace(/&amp;/g, '&')
}
