/**
 * The browser example, end to end: `vite build` of the page, served by a tiny static server on
 * another origin than a local deployment started here, loaded in Debian's Chromium (playwright-core),
 * a click on a cell, and the ids shown checked against the deployment's chunkedgraph model. A
 * screenshot is saved to examples/browser/screenshots/ (gitignored).
 */
import { createReadStream } from 'node:fs'
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { extname, join, normalize } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser } from 'playwright-core'
import { build } from 'vite'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { DEMO_DATASTACK, DEV_TOKEN, chunkedGraphModelFor, startDevServer, type DevServer } from '@daf/tools-dev-server'

// Child processes (and a browser) on a shared 2-core machine: generous per-test time.
vi.setConfig({ testTimeout: 90_000 })

const root = fileURLToPath(new URL('..', import.meta.url))
const screenshots = join(root, 'screenshots')
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm', '.svg': 'image/svg+xml' }

let deployment: DevServer
let outDir: string
let site: Server
let siteUrl: string
let browser: Browser

/** Serves `dir` read-only (GET/HEAD), `index.html` for `/`. */
function serveStatic(dir: string): Promise<Server> {
  const server = createServer(async (req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '')
    const file = join(dir, path.endsWith('/') ? `${path}index.html` : path)
    if (!file.startsWith(dir) || !(await stat(file).then((s) => s.isFile(), () => false))) {
      res.writeHead(404).end('not found')
      return
    }
    res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' })
    if (req.method === 'HEAD') res.end()
    else createReadStream(file).pipe(res)
  })
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)))
}

beforeAll(async () => {
  deployment = await startDevServer({ port: 0 })
  outDir = await mkdtemp(join(tmpdir(), 'daf-example-browser-'))
  await build({ root, logLevel: 'warn', build: { outDir, emptyOutDir: true } })
  site = await serveStatic(outDir)
  siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`
  browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await new Promise((resolve) => site?.close(resolve))
  await deployment?.close()
  if (outDir) await rm(outDir, { recursive: true, force: true })
})

describe('examples/browser', () => {
  it('shows datastack info, draws the overlay, and a click shows the supervoxel and root id of the clicked cell', async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 760 } })
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    const query = new URLSearchParams({ server: deployment.url, token: DEV_TOKEN, datastack: DEMO_DATASTACK })
    await page.goto(`${siteUrl}/?${query}`)
    await page.waitForSelector('body[data-state="ready"]', { timeout: 60_000 })
    expect(errors).toEqual([])

    // The token left the address bar; the info shown is the deployment's.
    expect(page.url()).not.toContain(DEV_TOKEN)
    expect(await page.textContent('dd[data-field="datastack"]')).toBe(DEMO_DATASTACK)
    expect(await page.textContent('dd[data-field="local server"]')).toBe(deployment.url)
    expect(await page.textContent('dd[data-field="segmentation source"]')).toBe(`graphene://${deployment.url}/segmentation/table/minnie_demo_seg`)

    // The slice's bounds (voxels at 8 x 8 x 40 nm), and a supervoxel whose own voxel lies in its xy window.
    let bounds = JSON.parse((await page.getAttribute('#slice', 'data-bounds'))!) as number[][]
    expect(JSON.parse((await page.getAttribute('#slice', 'data-resolution'))!)).toEqual([8, 8, 40])
    const model = chunkedGraphModelFor(deployment.dataset)
    const sv = model.supervoxels.find((s) => [0, 1].every((d) => s.position[d]! >= bounds[d]![0]! + 4 && s.position[d]! < bounds[d]![1]! - 4))
    expect(sv, 'a supervoxel in the displayed window').toBeDefined()

    // Move to its z with the form (Connect again), as a user would.
    await page.fill('input[name="z"]', String(sv!.position[2]))
    await page.fill('input[name="token"]', DEV_TOKEN)
    await page.click('button[type="submit"]')
    await page.waitForFunction((z) => document.body.dataset.state === 'ready' && JSON.parse(document.getElementById('slice')!.dataset.bounds ?? '[]')[2]?.[0] === z, sv!.position[2], { timeout: 60_000 })
    bounds = JSON.parse((await page.getAttribute('#slice', 'data-bounds'))!) as number[][]

    // Click the centre of that voxel's pixel (the 256-voxel slice is drawn at 512 CSS pixels).
    const box = (await page.locator('#slice').boundingBox())!
    const scale = box.width / (bounds[0]![1]! - bounds[0]![0]!)
    await page.mouse.click(box.x + (sv!.position[0] - bounds[0]![0]! + 0.5) * scale, box.y + (sv!.position[1] - bounds[1]![0]! + 0.5) * scale)
    await page.waitForFunction(() => /^\d+$/.test(document.getElementById('root')?.textContent ?? ''), undefined, { timeout: 30_000 })
    expect(await page.textContent('#voxel')).toBe(sv!.position.join(', '))
    expect(await page.textContent('#supervoxel')).toBe(String(sv!.id))
    expect(await page.textContent('#root')).toBe(String(model.rootAt(sv!.id)))
    expect(BigInt((await page.textContent('#root'))!)).toBeGreaterThan(2n ** 53n)

    // The canvas holds the drawn slice: not blank, the clicked pixel tinted with the highlight.
    const pixels = await page.evaluate(() => {
      const c = document.getElementById('slice') as HTMLCanvasElement
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data
      const distinct = new Set<number>()
      for (let i = 0; i < d.length; i += 4 * 97) distinct.add((d[i]! << 16) | (d[i + 1]! << 8) | d[i + 2]!)
      return { width: c.width, height: c.height, distinct: distinct.size }
    })
    expect(pixels).toMatchObject({ width: bounds[0]![1]! - bounds[0]![0]!, height: bounds[1]![1]! - bounds[1]![0]! })
    expect(pixels.distinct).toBeGreaterThan(10)
    expect(errors).toEqual([])

    await mkdir(screenshots, { recursive: true })
    await page.screenshot({ path: join(screenshots, 'example.png') })
    await page.close()
  })
})
