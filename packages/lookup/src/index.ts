/**
 * @daf/lookup — LookupClient (points → supervoxel ids → root ids, for point lists and tables) and
 * ImageryClient (imagery with the matching segmentation, overlays), both built from a FrameworkClient.
 *
 * ```ts
 * import { makeLookupClient, makeImageryClient } from '@daf/lookup'
 * const lookup = makeLookupClient(client, { voxelResolution: [4, 4, 40] })
 * const { rootIds, supervoxelIds } = await lookup.lookupPoints([[1000, 2000, 30]])
 * ```
 */
export {
  DEFAULT_LOOKUP_CONCURRENCY,
  DEFAULT_ROOTS_BATCH_SIZE,
  makeLookupClient,
  type DataframeOptions,
  type LookupCallOptions,
  type LookupClient,
  type LookupClientOptions,
  type LookupProgress,
  type LookupSegmentationInfo,
  type LookupStats,
  type OutOfBoundsReport,
  type PointLookupOptions,
  type PointsLookup,
  type RootLookupOptions,
  type SupervoxelLookupOptions,
  type TimestampInput,
} from './lookup.js'
export {
  makeImageryClient,
  type ImageAndSegmentation,
  type ImageAndSegmentationOptions,
  type ImageCutout,
  type ImageOptions,
  type ImageryClient,
  type ImageryClientOptions,
  type SegmentationCutout,
  type SegmentationOptions,
} from './imagery.js'
export { type BoundsInput, boundsToVoxels, parseBounds, type ParsedBounds } from './bounds.js'
export { resample, sourceBox } from './resample.js'
export { normalizePoints, toVoxels, type FlatPoints, type PointColumns, type PointsInput, type Vec3 } from './points.js'
export { DEFAULT_SUFFIXES, isArrowTable, outputColumns, type OutputColumns, type Row, type Suffixes, type TableInput } from './tables.js'
export { sampleVolume, type SampleOptions, type SampleResult } from './sample.js'
export { openImage, openSegmentation, type FrameworkClientLike, type SegmentationHandle } from './sources.js'
export {
  drawOverlay,
  overlayImageData,
  overlayPng,
  renderOverlay,
  segmentColor,
  type OverlayLayers,
  type OverlayOptions,
  type Rgb,
  type RgbaImage,
} from './render.js'
export { PointOutOfBoundsError, isPointOutOfBoundsError } from './errors.js'
