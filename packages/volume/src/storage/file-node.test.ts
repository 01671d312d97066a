import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { brotliCompressSync, gzipSync } from 'node:zlib'
import { afterAll, describe, expect, it } from 'vitest'
import { isDecodeError, isUnsupportedEncodingError } from '../errors.js'
import { storageSuite } from '../test-support/storage-suite.js'
import { storageFor } from './factory.js'
import { FileStorage, resolveFilePath } from './file-node.js'

const dirs: string[] = []
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'daf-file-storage-'))
  dirs.push(d)
  return d
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

storageSuite('file://', async () => ({ storage: new FileStorage(`file://${tempDir()}`) }))

const filesIn = (root: string): string[] => {
  const out: string[] = []
  const rec = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) rec(join(d, e.name))
      else out.push(relative(root, join(d, e.name)))
    }
  }
  rec(root)
  return out.sort()
}

describe('file:// layout (as CloudVolume writes it)', () => {
  it('gzip writes land in <key>.gz; hand-made .gz, .br and .zstd files decode', async () => {
    const root = tempDir()
    const s = new FileStorage(root)
    await s.set('1_1_1/0-64_0-64_0-64', new Uint8Array([1, 2, 3]), { compress: 'gzip' })
    expect(filesIn(root)).toEqual(['1_1_1/0-64_0-64_0-64.gz'])
    expect(gzipSync(Buffer.from([1, 2, 3]))[0]).toBe(readFileSync(join(root, '1_1_1/0-64_0-64_0-64.gz'))[0])

    mkdirSync(join(root, 'hand'), { recursive: true })
    writeFileSync(join(root, 'hand/a.gz'), gzipSync(Buffer.from('gzip!')))
    writeFileSync(join(root, 'hand/b.br'), brotliCompressSync(Buffer.from('brotli!')))
    // zstd frame of "zstd!" (from the zstd CLI: printf "zstd!" | zstd -c | xxd -i).
    writeFileSync(
      join(root, 'hand/c.zstd'),
      Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x04, 0x58, 0x29, 0x00, 0x00, 0x7a, 0x73, 0x74, 0x64, 0x21, 0xc4, 0x0c, 0x77, 0x11]),
    )
    const text = async (k: string) => new TextDecoder().decode(await s.get(k))
    expect(await text('hand/a')).toBe('gzip!')
    expect(await text('hand/b')).toBe('brotli!')
    expect(await text('hand/c')).toBe('zstd!')
    const keys: string[] = []
    for await (const k of s.list('hand/')) keys.push(k)
    expect(keys.sort()).toEqual(['hand/a', 'hand/b', 'hand/c'])
    // Ranges of a compressed file are taken from the decoded bytes.
    expect(new TextDecoder().decode(await s.getRange('hand/a', { offset: 1, length: 3 }))).toBe('zip')
  })

  it('xz and bzip2 variants are refused with an error naming the encoding; corrupt gzip is a DecodeError', async () => {
    const root = tempDir()
    writeFileSync(join(root, 'x.xz'), Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))
    writeFileSync(join(root, 'y.gz'), Buffer.from([0x1f, 0x8b, 0x08, 0x00, 1, 2, 3]))
    const s = new FileStorage(root)
    await expect(s.get('x')).rejects.toSatisfy((e) => isUnsupportedEncodingError(e) && /xz/.test((e as Error).message))
    await expect(s.get('y')).rejects.toSatisfy((e) => isDecodeError(e) && /gzip/.test((e as Error).message))
  })

  it('a write removes stale siblings (a bare file would otherwise shadow the new .gz)', async () => {
    const root = tempDir()
    writeFileSync(join(root, 'k'), Buffer.from('old bare'))
    writeFileSync(join(root, 'k.br'), brotliCompressSync(Buffer.from('old br')))
    const s = new FileStorage(root)
    await s.set('k', new TextEncoder().encode('new'), { compress: 'gzip' })
    expect(filesIn(root)).toEqual(['k.gz'])
    expect(new TextDecoder().decode(await s.get('k'))).toBe('new')
    await s.delete('k')
    expect(filesIn(root)).toEqual([])
  })

  it('a failing write leaves the old object and no temporary file (failure mid-write)', async () => {
    const root = tempDir()
    const good = new FileStorage(root)
    await good.set('chunk', new Uint8Array([1, 1, 1]))
    const failing = new FileStorage(root, {
      io: {
        async writeFile(path, data) {
          // Half the bytes reach the disk, then the "process dies".
          writeFileSync(path, data.subarray(0, data.byteLength >> 1))
          throw Object.assign(new Error('ENOSPC: injected failure'), { code: 'ENOSPC' })
        },
      },
    })
    await expect(failing.set('chunk', new Uint8Array(1000).fill(2))).rejects.toThrow(/injected/)
    expect(filesIn(root)).toEqual(['chunk'])
    expect(await good.get('chunk')).toEqual(new Uint8Array([1, 1, 1]))
    // A failing rename is cleaned up the same way.
    const badRename = new FileStorage(root, {
      io: {
        rename: async () => {
          throw new Error('injected rename failure')
        },
      },
    })
    await expect(badRename.set('chunk', new Uint8Array([3]), { compress: 'gzip' })).rejects.toThrow(/rename/)
    expect(filesIn(root)).toEqual(['chunk'])
  })

  it('a temporary file left by a killed process is invisible to get, exists and list', async () => {
    const root = tempDir()
    writeFileSync(join(root, '.chunk.gz.daf-tmp-0123456789abcdef'), Buffer.from([1, 2]))
    const s = new FileStorage(root)
    expect(await s.get('chunk')).toBeUndefined()
    expect(await s.exists('chunk')).toBe(false)
    const keys: string[] = []
    for await (const k of s.list()) keys.push(k)
    expect(keys).toEqual([])
  })

  it('an aborted write leaves nothing behind', async () => {
    const root = tempDir()
    const s = new FileStorage(root)
    const c = new AbortController()
    c.abort()
    await expect(s.set('a/b', new Uint8Array(10), { signal: c.signal })).rejects.toThrow()
    expect(existsSync(join(root, 'a'))).toBe(false)
  })

  it('relative file:// paths resolve against the working directory; ~ against home', () => {
    expect(resolveFilePath('file://data/layer')).toBe(join(process.cwd(), 'data/layer'))
    expect(resolveFilePath('file:///abs/layer')).toBe('/abs/layer')
    expect(resolveFilePath('file://~/x')).toMatch(/\/x$/)
    expect(storageFor('file://rel/dir').url).toBe(`file://${join(process.cwd(), 'rel/dir')}`)
    expect(storageFor('precomputed://file:///tmp/a/b').url).toBe('file:///tmp/a/b')
  })
})
