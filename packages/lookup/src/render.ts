/**
 * Rendering one z-slice of imagery with a segmentation overlay (a colour per id): to RGBA pixels,
 * to PNG bytes (fast-png; Node and browsers), and to `ImageData` / a canvas in browsers.
 */
import { InvalidParameterError } from '@daf/services'
import { encode } from 'fast-png'
import type { Vec3 } from './points.js'

export type Rgb = readonly [number, number, number]

/** The slice sources: cutouts of one box (`imageAndSegmentation`'s result works as is). */
export interface OverlayLayers {
  image?: { data: ArrayLike<number | bigint>; shape: readonly number[]; bounds: readonly (readonly number[])[] } | undefined
  segmentation?: { data: BigUint64Array; shape: readonly number[]; bounds: readonly (readonly number[])[] } | undefined
}

export interface OverlayOptions {
  /** Absolute z (voxels of the cutouts' bounds). Default: the middle slice. */
  z?: number
  /** Opacity of the segmentation colours over the image, 0..1. Default 0.45 (1 without an image). */
  alpha?: number
  /** Colours per id (a map, or a function); default `segmentColor`. Ids without a colour in a map use `segmentColor`. */
  colors?: ReadonlyMap<bigint, Rgb> | ((id: bigint) => Rgb)
  /** Colour only the object borders (opaque, 1 voxel wide). Default false. */
  outline?: boolean
  /** Leave id 0 uncoloured (default true). */
  skipZero?: boolean
}

/** RGBA pixels, row-major from the top-left (x to the right, y down), 4 bytes per pixel. */
export interface RgbaImage {
  width: number
  height: number
  data: Uint8ClampedArray
}

/** A bright, stable colour per id (a 64-bit hash → hue, saturation 0.6–1, value 1). */
export function segmentColor(id: bigint): Rgb {
  let h = BigInt.asUintN(64, (id ^ (id >> 31n)) * 0x9e3779b97f4a7c15n)
  h = BigInt.asUintN(64, (h ^ (h >> 29n)) * 0xbf58476d1ce4e5b9n)
  const bits = Number(h >> 40n)
  const hue = (bits & 0xffff) / 65536
  const sat = 0.6 + (0.4 * ((bits >> 16) & 0xff)) / 255
  const i = Math.floor(hue * 6)
  const f = hue * 6 - i
  const p = 1 - sat
  const q = 1 - f * sat
  const t = 1 - (1 - f) * sat
  const [r, g, b] = [
    [1, t, p],
    [q, 1, p],
    [p, 1, t],
    [p, q, 1],
    [t, p, 1],
    [1, p, q],
  ][i % 6] as [number, number, number]
  return [Math.round(r * 255), Math.round(g * 255), Math.round(b * 255)]
}

function sliceGeometry(layers: OverlayLayers, z: number | undefined): { width: number; height: number; zIndex: number; z: number } {
  const ref = layers.image ?? layers.segmentation
  if (!ref) throw new InvalidParameterError('layers', 'renderOverlay needs an image, a segmentation or both')
  const [w, h, d] = ref.shape as Vec3
  const z0 = ref.bounds[2]![0]!
  if (layers.image && layers.segmentation) {
    const a = layers.image
    const b = layers.segmentation
    const same = [0, 1, 2].every((k) => a.shape[k] === b.shape[k] && a.bounds[k]![0] === b.bounds[k]![0] && a.bounds[k]![1] === b.bounds[k]![1])
    if (!same) {
      throw new InvalidParameterError('layers', 'the image and the segmentation must cover the same voxels (use imageAndSegmentation for one grid)')
    }
  }
  const zz = z ?? z0 + Math.floor(d / 2)
  if (!Number.isInteger(zz) || zz < z0 || zz >= z0 + d) throw new InvalidParameterError('z', `z must be an integer in [${z0}, ${z0 + d}), got ${z}`)
  return { width: w, height: h, zIndex: zz - z0, z: zz }
}

/** Renders slice `z` of the layers to RGBA pixels (image in grey, segmentation colours blended over it). */
export function renderOverlay(layers: OverlayLayers, options: OverlayOptions = {}): RgbaImage {
  const { width, height, zIndex } = sliceGeometry(layers, options.z)
  const alpha = options.alpha ?? (layers.image ? 0.45 : 1)
  if (!(alpha >= 0 && alpha <= 1)) throw new InvalidParameterError('alpha', `alpha must be in [0, 1], got ${alpha}`)
  const n = width * height
  const base = zIndex * n
  const out = new Uint8ClampedArray(n * 4)
  // Grey image, scaled to 0..255 unless it is uint8.
  const img = layers.image?.data
  if (img) {
    let lo = Infinity
    let hi = -Infinity
    const u8 = img instanceof Uint8Array || img instanceof Uint8ClampedArray
    if (!u8) {
      for (let i = 0; i < n; i++) {
        const v = Number(img[base + i])
        if (v < lo) lo = v
        if (v > hi) hi = v
      }
    }
    const scale = u8 ? 1 : hi > lo ? 255 / (hi - lo) : 0
    const off = u8 ? 0 : lo
    for (let i = 0; i < n; i++) {
      const g = u8 ? (img[base + i] as number) : (Number(img[base + i]) - off) * scale
      out[4 * i] = g
      out[4 * i + 1] = g
      out[4 * i + 2] = g
      out[4 * i + 3] = 255
    }
  } else {
    for (let i = 0; i < n; i++) out[4 * i + 3] = 255
  }
  const seg = layers.segmentation?.data
  if (seg) {
    const colors = options.colors
    const cache = new Map<bigint, Rgb>()
    const colorOf = (id: bigint): Rgb => {
      let c = cache.get(id)
      if (!c) {
        c = typeof colors === 'function' ? colors(id) : (colors?.get(id) ?? segmentColor(id))
        cache.set(id, c)
      }
      return c
    }
    const skipZero = options.skipZero ?? true
    const outline = options.outline ?? false
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const i = y * width + x
        const id = seg[base + i]!
        if (id === 0n && skipZero) continue
        let a = alpha
        if (outline) {
          const border =
            (x > 0 && seg[base + i - 1] !== id) ||
            (x < width - 1 && seg[base + i + 1] !== id) ||
            (y > 0 && seg[base + i - width] !== id) ||
            (y < height - 1 && seg[base + i + width] !== id)
          if (!border) continue
          a = 1
        }
        const [r, g, b] = colorOf(id)
        out[4 * i] = out[4 * i]! * (1 - a) + r * a
        out[4 * i + 1] = out[4 * i + 1]! * (1 - a) + g * a
        out[4 * i + 2] = out[4 * i + 2]! * (1 - a) + b * a
      }
    }
  }
  return { width, height, data: out }
}

/** Slice `z` as PNG bytes (8-bit RGBA). Works in Node (write the bytes to a file) and browsers. */
export function overlayPng(layers: OverlayLayers, options: OverlayOptions = {}): Uint8Array {
  const rgba = renderOverlay(layers, options)
  return encode({ width: rgba.width, height: rgba.height, data: new Uint8Array(rgba.data.buffer, rgba.data.byteOffset, rgba.data.byteLength), channels: 4, depth: 8 })
}

/** Slice `z` as an `ImageData` (browsers, workers; anywhere `ImageData` exists). */
export function overlayImageData(layers: OverlayLayers, options: OverlayOptions = {}): ImageData {
  const rgba = renderOverlay(layers, options)
  if (typeof ImageData === 'undefined') throw new InvalidParameterError('ImageData', 'ImageData is not available here (Node): use overlayPng or renderOverlay')
  return new ImageData(rgba.data as Uint8ClampedArray<ArrayBuffer>, rgba.width, rgba.height)
}

/**
 * Draws slice `z` onto a canvas (resized to the slice) or a 2-D context at `(0, 0)`, and returns
 * the `ImageData` drawn.
 */
export function drawOverlay(
  target: HTMLCanvasElement | OffscreenCanvas | CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D,
  layers: OverlayLayers,
  options: OverlayOptions = {},
): ImageData {
  const data = overlayImageData(layers, options)
  let ctx: CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null
  if ('putImageData' in target) {
    ctx = target
  } else {
    target.width = data.width
    target.height = data.height
    ctx = target.getContext('2d') as CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null
  }
  if (!ctx) throw new InvalidParameterError('target', 'the canvas has no 2-D context')
  ctx.putImageData(data, 0, 0)
  return data
}
