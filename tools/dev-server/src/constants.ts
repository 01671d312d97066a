/**
 * Names and tokens of the local deployment. This module imports nothing from Node, so browser
 * tests and examples can import it (`@daf/tools-dev-server/constants`) without pulling in the server.
 */

/** The default accepted token: full (`view`, `edit`) permission on the demo dataset. 32 lowercase hex. */
export const DEV_TOKEN = '85c8d83c162209f8fa6c90fdf9657466'
/** A valid token whose user has no permission on the demo dataset: 403 `Missing permission: view …`. */
export const NO_PERMISSION_TOKEN = '3c342eaae3ee96f7628d635a73b645e5'
/** A valid token whose user has not accepted the demo Terms of Service: 403 `missing_tos` JSON. */
export const MISSING_TOS_TOKEN = 'f4618416beac88933710d019236f5477'

/** The generated datastack. */
export const DEMO_DATASTACK = 'minnie_demo'
/** Its aligned volume (also the legacy v1 "dataset" name and the middle_auth permission group). */
export const DEMO_ALIGNED_VOLUME = 'minnie_demo_em'
/** The image mirror of the aligned volume (`image_source_name=` / `image_sources`). */
export const DEMO_IMAGE_MIRROR = 'minnie_demo_em_mirror'
/** The ChunkedGraph table: last segment of `segmentation_source`. */
export const DEMO_TABLE_ID = 'minnie_demo_seg'
export const DEMO_SYNAPSE_TABLE = 'synapses_demo'
export const DEMO_SOMA_TABLE = 'nucleus_demo'
/** The middle_auth dataset (permission group) guarding the demo datastack. */
export const DEMO_PERMISSION_GROUP = DEMO_ALIGNED_VOLUME
/** Terms of Service the `MISSING_TOS_TOKEN` user has not accepted. */
export const DEMO_TOS = { id: 1, name: 'Demo Terms of Service' } as const

/** What `GET /info/version` answers (a bare JSON string); ≥ 4.3.1 enables image mirrors. */
export const INFO_SERVICE_VERSION = '4.3.1'

/** What `GET /nglstate/api/v1/version` answers; ≥ 0.4.0 enables segment-property files. */
export const STATE_SERVICE_VERSION = '0.7.2'

/** Path of the neuroglancer stand-in whose `version.json` says it is a spelunker build. */
export const DEMO_VIEWER_PATH = '/neuroglancer/spelunker'

/** Name of the token cookie and query parameter (middle_auth `TOKEN_NAME`). */
export const TOKEN_NAME = 'middle_auth_token'

/** Path prefix of the dev-only admin routes (faults, request log). Never faulted, never logged. */
export const ADMIN_PREFIX = '/__dev'
