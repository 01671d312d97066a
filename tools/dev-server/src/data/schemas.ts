/**
 * EMAnnotationSchemas definitions served by the emulated schema service (services spec §4.2) and
 * used by the emulated annotation engine to validate rows.
 *
 * The shape is what `GET {G}/schema/api/v2/type/{schema_type}` answers on a real deployment
 * (EMAnnotationSchemas renders its marshmallow schemas with marshmallow-jsonschema): a JSON Schema
 * draft-07 document `{"$schema", "definitions": {...}, "$ref": "#/definitions/<Name>"}`, where each
 * nested marshmallow schema is a definition referenced by `$ref`. Spatial points are
 * `BoundSpatialPoint`: `position` ([x, y, z], required), `root_id` and `supervoxel_id` (optional
 * uint64 integers). Annotation rows nest them: the column `pt_position` is `{"pt": {"position": [...]}}`.
 *
 * Differences from the real documents, on purpose: no `additionalProperties: false` (rows may carry
 * `id` on update and unknown keys are the engine's business), and only a few schemas.
 * Plain JSON, no Node imports: browser code may import it.
 */

/** A JSON Schema (draft-07) document; plain JSON. */
export type JsonSchemaDocument = {
  $schema: string
  definitions: Record<string, JsonSchemaObject>
  $ref: string
}

/** One definition: an object schema. */
export type JsonSchemaObject = {
  type: 'object'
  properties: Record<string, Record<string, unknown>>
  required?: string[]
}

export const JSON_SCHEMA_DRAFT_07 = 'http://json-schema.org/draft-07/schema#'

const uint64 = (title: string, description?: string): Record<string, unknown> => ({
  title,
  type: 'integer',
  minimum: 0,
  ...(description === undefined ? {} : { description }),
})

/** `SpatialPoint`: a point with no segment binding (e.g. a synapse's `ctr_pt`). */
const SpatialPoint: JsonSchemaObject = {
  type: 'object',
  properties: {
    position: {
      title: 'position',
      type: 'array',
      items: { title: 'position', type: 'number' },
      minItems: 3,
      maxItems: 3,
      description: 'spatial position in voxels of x,y,z of annotation',
    },
  },
  required: ['position'],
}

/** `BoundSpatialPoint`: a point bound to a segment (the server fills `supervoxel_id`/`root_id`). */
const BoundSpatialPoint: JsonSchemaObject = {
  type: 'object',
  properties: {
    position: SpatialPoint.properties.position!,
    root_id: uint64('root_id', 'root id of the segment this point lies in (filled in by the server)'),
    supervoxel_id: uint64('supervoxel_id', 'supervoxel id of this point (filled in by the server)'),
  },
  required: ['position'],
}

/** `valid` comes from EMAnnotationSchemas' `AnnotationSchema` base class. */
const valid = { title: 'valid', type: 'boolean', default: false, description: 'is this annotation valid' }

const ref = (name: string, description: string): Record<string, unknown> => ({
  type: 'object',
  $ref: `#/definitions/${name}`,
  description,
})

function document(name: string, schema: JsonSchemaObject, nested: Record<string, JsonSchemaObject>): JsonSchemaDocument {
  return {
    $schema: JSON_SCHEMA_DRAFT_07,
    definitions: { ...nested, [name]: schema },
    $ref: `#/definitions/${name}`,
  }
}

/** `bound_tag` (`BoundTagAnnotation`): a free-text tag on a bound point. */
const boundTag = document(
  'BoundTagAnnotation',
  {
    type: 'object',
    properties: {
      valid,
      tag: { title: 'tag', type: 'string', description: 'Arbitrary text tag' },
      pt: ref('BoundSpatialPoint', 'Location associated with the tag'),
    },
    required: ['tag', 'pt'],
  },
  { BoundSpatialPoint },
)

/** `bound_point` (`BoundSpatialPointAnnotation` in this deployment): just a bound point. */
const boundPoint = document(
  'BoundPointAnnotation',
  {
    type: 'object',
    properties: {
      valid,
      pt: ref('BoundSpatialPoint', 'Location of the point'),
    },
    required: ['pt'],
  },
  { BoundSpatialPoint },
)

/** `cell_type_local` (`CellTypeLocal`): a cell type under a named classification system. */
const cellTypeLocal = document(
  'CellTypeLocal',
  {
    type: 'object',
    properties: {
      valid,
      classification_system: {
        title: 'classification_system',
        type: 'string',
        description: 'Classification system followed',
      },
      cell_type: { title: 'cell_type', type: 'string', description: 'Cell type name' },
      pt: ref('BoundSpatialPoint', 'Location associated with classification'),
    },
    required: ['classification_system', 'cell_type', 'pt'],
  },
  { BoundSpatialPoint },
)

/** `synapse` (`SynapseSchema`): pre/post bound points, an unbound centre point, optional size. */
const synapse = document(
  'SynapseSchema',
  {
    type: 'object',
    properties: {
      valid,
      pre_pt: ref('BoundSpatialPoint', 'a point on the presynaptic side of the synapse'),
      ctr_pt: ref('SpatialPoint', 'a point in the center of the synapse'),
      post_pt: ref('BoundSpatialPoint', 'a point on the postsynaptic side of the synapse'),
      size: { title: 'size', type: 'number', description: 'size of synapse' },
    },
    required: ['pre_pt', 'ctr_pt', 'post_pt'],
  },
  { BoundSpatialPoint, SpatialPoint },
)

/**
 * The schema types the dev deployment knows, by name (`S/type` lists the keys in this order).
 * Treat as read-only; copy before changing.
 */
export const SCHEMAS: Readonly<Record<string, JsonSchemaDocument>> = Object.freeze({
  bound_point: boundPoint,
  bound_tag: boundTag,
  cell_type_local: cellTypeLocal,
  synapse,
})

/** `SCHEMAS` keys. */
export const SCHEMA_NAMES: readonly string[] = Object.freeze(Object.keys(SCHEMAS))
