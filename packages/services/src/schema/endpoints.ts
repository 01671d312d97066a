/**
 * The schema service (`{G}/schema`, EMAnnotationSchemas; services spec §4.2). API version from the
 * probe `GET {G}/schema/versions` (fallback 2); v1 has only the two `type` routes.
 */
import { endpoint, responseOf, type ServiceDefinition } from '../http/endpoints.js'
import type { SchemaDefinition } from './types.js'

export const schemaV2 = {
  schemas: endpoint('GET /schema/api/v2/type', { response: responseOf<string[]>() }),
  schemaDefinition: endpoint('GET /schema/api/v2/type/{schema_type}', { response: responseOf<SchemaDefinition>() }),
  /** Query `schema_names=a,b`, **no body**; only reads, so retried like a GET. */
  schemaDefinitionMulti: endpoint('POST /schema/api/v2/types', {
    response: responseOf<Record<string, SchemaDefinition>>(),
    retryable: true,
  }),
  schemaDefinitionAll: endpoint('GET /schema/api/v2/types_all', { response: responseOf<Record<string, SchemaDefinition>>() }),
} as const

export const schemaV1 = {
  schemas: endpoint('GET /schema/type', { response: responseOf<string[]>() }),
  schemaDefinition: endpoint('GET /schema/type/{schema_type}', { response: responseOf<SchemaDefinition>() }),
} as const

export const schemaService = {
  service: 'schema',
  server: 'global',
  apiVersionProbe: endpoint('GET /schema/versions', { response: responseOf<number[]>() }),
  fallbackApiVersion: 2,
  apiVersions: { 1: schemaV1, 2: schemaV2 },
} as const satisfies ServiceDefinition<1 | 2>
