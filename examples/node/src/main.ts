// The README's Node snippet: run `pnpm dev-server`, then `pnpm --filter @daf/example-node start`.
import { FrameworkClient } from '@daf/services'
import { makeLookupClient } from '@daf/lookup'
import { CloudVolume } from '@daf/volume'

const server = process.env.DAF_SERVER ?? 'http://127.0.0.1:8765'
const token = process.env.CAVE_TOKEN ?? '85c8d83c162209f8fa6c90fdf9657466' // the local deployment's DEV_TOKEN

const client = new FrameworkClient('minnie_demo', { serverAddress: server, authToken: token })
const info = await client.info.getDatastackInfo()
console.log(`${info.aligned_volume.name}: ${info.description}`)

// Supervoxel and root ids at points given in 8 x 8 x 40 nm voxels (ids are exact bigints).
const lookup = makeLookupClient(client, { voxelResolution: [8, 8, 40] })
const { supervoxelIds, rootIds } = await lookup.lookupPoints([[250, 250, 32], [300, 200, 20]])
rootIds.forEach((root, i) => console.log(`point ${i}: supervoxel ${supervoxelIds[i]}, root ${root}`))

// A 64 x 64 x 4 cutout of the image layer.
const image = await CloudVolume.open((await client.info.imageSource())!)
const cutout = await image.read([[192, 256], [192, 256], [30, 34]])
console.log(`image cutout ${cutout.shape.join(' x ')} ${cutout.dataType}, first voxel ${cutout.data[0]}`)
