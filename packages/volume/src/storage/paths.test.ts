import { describe, expect, it } from 'vitest'
import { isVolumeError } from '../errors.js'
import { storageFor } from './factory.js'
import { formatCloudPath, parseCloudPath, toHttpsPath } from './paths.js'

describe('parseCloudPath', () => {
  it('splits format, protocol, bucket and path', () => {
    expect(parseCloudPath('precomputed://gs://bucket/dataset/layer')).toMatchObject({
      format: 'precomputed',
      protocol: 'gs',
      bucket: 'bucket',
      path: 'dataset/layer',
      endpoint: undefined,
    })
    expect(parseCloudPath('gs://bucket/dataset/layer/')).toMatchObject({ format: 'precomputed', path: 'dataset/layer' })
    expect(parseCloudPath('graphene://https://cg.example.org/segmentation/table/t1')).toMatchObject({
      format: 'graphene',
      protocol: 'https',
      endpoint: 'https://cg.example.org',
      path: 'segmentation/table/t1',
    })
    expect(parseCloudPath('mem://store/a/b')).toMatchObject({ protocol: 'mem', bucket: 'store', path: 'a/b' })
    expect(parseCloudPath('file:///data/layer')).toMatchObject({ protocol: 'file', path: '/data/layer' })
    expect(parseCloudPath('file://relative/layer')).toMatchObject({ protocol: 'file', path: 'relative/layer' })
  })

  it('custom S3 endpoints keep host and port', () => {
    expect(parseCloudPath('s3://https://objects.example.org:9000/bucket/ds/layer')).toMatchObject({
      protocol: 's3',
      endpoint: 'https://objects.example.org:9000',
      bucket: 'bucket',
      path: 'ds/layer',
    })
    expect(parseCloudPath('s3://bucket/ds')).toMatchObject({ endpoint: undefined, bucket: 'bucket', path: 'ds' })
  })

  it('aliases: official ones, user ones, and the tail-format form', () => {
    expect(parseCloudPath('matrix://bucket/layer')).toMatchObject({
      protocol: 's3',
      endpoint: 'https://s3-hpcrc.rc.princeton.edu',
      bucket: 'bucket',
      alias: 'matrix',
    })
    expect(parseCloudPath('tigerdata://b/l')).toMatchObject({ endpoint: 'https://td.princeton.edu' })
    expect(parseCloudPath('lab://b/l', { aliases: { lab: 'https://s3.lab.example/' } })).toMatchObject({
      protocol: 's3',
      endpoint: 'https://s3.lab.example',
      alias: 'lab',
    })
    expect(parseCloudPath('gs://b/l|neuroglancer-precomputed:')).toMatchObject({ format: 'precomputed', protocol: 'gs', path: 'l' })
    expect(parseCloudPath('gs://b/l|zarr2:')).toMatchObject({ format: 'zarr2' })
  })

  it('middleauth+https and ngauth+https are https with the scheme noted', () => {
    expect(parseCloudPath('middleauth+https://h.example/l')).toMatchObject({ protocol: 'https', authScheme: 'middleauth' })
  })

  it('rejects unknown protocols and formats, missing buckets, nested protocols and URL credentials, naming the path', () => {
    for (const bad of ['ftp://x/y', 'gs://', 'gs://b/gs://c', '/no/protocol', 'https://user:pw@h/l', 'precomputed://', 'gs://b/l|nope:']) {
      let caught: unknown
      try {
        parseCloudPath(bad)
      } catch (e) {
        caught = e
      }
      expect(isVolumeError(caught) && caught.kind === 'UnsupportedProtocolError', bad).toBe(true)
      expect((caught as Error).message).toContain(bad.includes('pw') ? 'credentials' : bad)
    }
  })

  it('use_https rewrite and formatting', () => {
    expect(toHttpsPath('gs://b/d/l')).toBe('https://storage.googleapis.com/b/d/l')
    expect(toHttpsPath('precomputed://s3://b/d/l')).toBe('https://s3.amazonaws.com/b/d/l')
    expect(toHttpsPath('s3://https://h.example/b/l')).toBe('https://h.example/b/l')
    expect(toHttpsPath('matrix://b/l')).toBe('https://s3-hpcrc.rc.princeton.edu/b/l')
    expect(toHttpsPath('graphene://gs://b/l')).toBe('graphene://https://storage.googleapis.com/b/l')
    expect(formatCloudPath(parseCloudPath('s3://https://h.example/b/l'))).toBe('s3://https://h.example/b/l')
    expect(formatCloudPath(parseCloudPath('precomputed://mem://x/y'))).toBe('mem://x/y')
  })

  it('storageFor refuses graphene:// and other formats with a pointer to CloudVolume', () => {
    expect(() => storageFor('graphene://https://cg.example/segmentation/table/t')).toThrow(/CloudVolume/)
    expect(() => storageFor('zarr://gs://b/l')).toThrow(/only precomputed/)
  })
})
