/** Response shapes of the schema service (EMAnnotationSchemas; services spec §4.2). */

/**
 * One schema type as JSON Schema draft-07: `{"$schema", "definitions": {...}, "$ref": "#/definitions/<Name>"}`.
 * Nested marshmallow schemas (e.g. `BoundSpatialPoint`: `position` [x, y, z] required, optional
 * `root_id`, `supervoxel_id`) are entries of `definitions`. Unknown keys are kept.
 */
export interface SchemaDefinition {
  $schema?: string
  definitions: Record<string, JsonSchemaNode>
  $ref: string
  [key: string]: unknown
}

/** A JSON Schema node (loosely typed: the service may add keywords). */
export interface JsonSchemaNode {
  type?: string | string[]
  properties?: Record<string, JsonSchemaNode>
  required?: string[]
  items?: JsonSchemaNode
  $ref?: string
  [key: string]: unknown
}
