/**
 * The browser example: connect to a deployment (URL, token, datastack from the query string or the
 * form), show the datastack's info, draw an image slice with the segmentation overlay, and look up
 * the supervoxel and root id under a click. Only the packages' public entry points are imported.
 */
import { FrameworkClient } from '@daf/services'
import { drawOverlay, makeImageryClient, makeLookupClient, segmentColor, type ImageAndSegmentation, type LookupClient, type Rgb } from '@daf/lookup'

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T
const form = $<HTMLFormElement>('connect')
const status = $<HTMLDivElement>('status')
const canvas = $<HTMLCanvasElement>('slice')
const infoList = $<HTMLDListElement>('info')

/** The slice size in voxels (the canvas is drawn at 2x with CSS). */
const SLICE = 256

interface View {
  slice: ImageAndSegmentation
  lookup: LookupClient
  z: number
  selected?: bigint
  marker?: [number, number]
}

let view: View | undefined
let generation = 0

function setStatus(text: string, state: 'idle' | 'loading' | 'ready' | 'error'): void {
  status.textContent = text
  status.dataset.state = state
  document.body.dataset.state = state
}

function showInfo(rows: [string, string][]): void {
  infoList.replaceChildren(
    ...rows.flatMap(([k, v]) => {
      const dt = document.createElement('dt')
      dt.textContent = k
      const dd = document.createElement('dd')
      dd.textContent = v
      dd.dataset.field = k
      return [dt, dd]
    }),
  )
}

function draw(v: View): void {
  const highlight: Rgb = [255, 230, 0]
  drawOverlay(canvas, v.slice, {
    alpha: 0.4,
    colors: (id) => (id === v.selected ? highlight : segmentColor(id)),
  })
  if (v.marker) {
    const ctx = canvas.getContext('2d')!
    ctx.strokeStyle = '#ff2d55'
    ctx.lineWidth = 1
    const [x, y] = v.marker
    ctx.strokeRect(x - 3.5, y - 3.5, 8, 8)
  }
}

async function connect(server: string, token: string, datastack: string, zWanted: number | undefined): Promise<void> {
  const mine = ++generation
  setStatus(`Connecting to ${server}…`, 'loading')
  const client = new FrameworkClient(datastack, { serverAddress: server, authToken: token || undefined })
  const info = await client.info.getDatastackInfo()
  const imagery = makeImageryClient(client)
  const image = await imagery.imageVolume()
  const resolution = image.resolution(0)
  const [[x0, x1], [y0, y1], [z0, z1]] = image.bounds(0)
  const z = Math.min(Math.max(zWanted ?? Math.floor((z0 + z1) / 2), z0), z1 - 1)
  const w = Math.min(SLICE, x1 - x0)
  const h = Math.min(SLICE, y1 - y0)
  const sx = x0 + Math.floor((x1 - x0 - w) / 2)
  const sy = y0 + Math.floor((y1 - y0 - h) / 2)
  showInfo([
    ['datastack', datastack],
    ['description', String(info.description ?? '')],
    ['aligned volume', String(info.aligned_volume?.name ?? '')],
    ['local server', info.local_server],
    ['image source', (await client.info.imageSource()) ?? '–'],
    ['segmentation source', (await client.info.segmentationSource()) ?? '–'],
    ['image resolution', `${resolution.join(' × ')} nm`],
    ['slice', `x ${sx}–${sx + w}, y ${sy}–${sy + h}, z ${z}`],
  ])
  setStatus('Loading the image slice and its segmentation…', 'loading')
  // Bounds in voxels of the image's mip 0 (resolution = nm per unit of the bounds).
  const sliceImagery = makeImageryClient(client, { resolution })
  const slice = await sliceImagery.imageAndSegmentation([[sx, sx + w], [sy, sy + h], [z, z + 1]])
  if (mine !== generation) return
  view = { slice, lookup: makeLookupClient(client, { voxelResolution: resolution }), z }
  canvas.dataset.bounds = JSON.stringify(slice.bounds)
  canvas.dataset.resolution = JSON.stringify(slice.resolution)
  draw(view)
  setStatus(`Connected: ${slice.segmentation.ids.length} objects in this slice. Click one.`, 'ready')
}

canvas.addEventListener('click', async (event) => {
  const v = view
  if (!v) return
  const rect = canvas.getBoundingClientRect()
  const px = Math.floor(((event.clientX - rect.left) * canvas.width) / rect.width)
  const py = Math.floor(((event.clientY - rect.top) * canvas.height) / rect.height)
  const [[bx], [by], [bz]] = v.slice.bounds
  const voxel: [number, number, number] = [bx + px, by + py, bz]
  $<HTMLOutputElement>('voxel').value = voxel.join(', ')
  $<HTMLOutputElement>('supervoxel').value = '…'
  $<HTMLOutputElement>('root').value = '…'
  setStatus(`Looking up ${voxel.join(', ')}…`, 'loading')
  try {
    const { supervoxelIds, rootIds } = await v.lookup.lookupPoints([voxel])
    const sv = supervoxelIds[0]!
    const root = rootIds[0]!
    $<HTMLOutputElement>('supervoxel').value = sv.toString()
    $<HTMLOutputElement>('root').value = root.toString()
    v.selected = root === 0n ? undefined : root
    v.marker = [px, py]
    draw(v)
    setStatus(root === 0n ? 'Background (membrane): no object here.' : `Root ${root} highlighted.`, 'ready')
  } catch (error) {
    setStatus(`Lookup failed: ${(error as Error).message}`, 'error')
  }
})

form.addEventListener('submit', (event) => {
  event.preventDefault()
  const data = new FormData(form)
  const zText = String(data.get('z') ?? '').trim()
  connect(String(data.get('server')).trim(), String(data.get('token') ?? '').trim(), String(data.get('datastack')).trim(), zText === '' ? undefined : Number(zText)).catch(
    (error: unknown) => setStatus(`Failed: ${(error as Error).message}`, 'error'),
  )
})

// Query parameters fill the form; the token is then removed from the address bar (and history).
const params = new URLSearchParams(location.search)
for (const name of ['server', 'token', 'datastack', 'z']) {
  const value = params.get(name)
  if (value !== null) (form.elements.namedItem(name) as HTMLInputElement).value = value
}
if (params.has('token')) {
  params.delete('token')
  history.replaceState(null, '', `${location.pathname}${params.size ? `?${params}` : ''}${location.hash}`)
}
if (params.get('server') && params.get('datastack')) form.requestSubmit()
