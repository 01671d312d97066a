/**
 * Zeroes memory on the libuv pool: `readv` from /dev/zero into the views. Used by the page gate
 * to take a fresh cutout's page faults off the main thread (see page-gate.ts).
 */
import { open, readv } from 'node:fs'
import type { ZeroFill } from './page-gate.js'

/** Linux caps one readv at IOV_MAX (1024) buffers. */
const MAX_VIEWS = 1024

let device: Promise<number> | undefined

function zeroDevice(): Promise<number> {
  // Opened once and kept: one descriptor for the life of the process.
  device ??= new Promise((resolve, reject) => open('/dev/zero', 'r', (error, fd) => (error ? reject(error) : resolve(fd))))
  return device
}

function readvOnce(fd: number, views: Uint8Array[]): Promise<number> {
  return new Promise((resolve, reject) => readv(fd, views, (error, n) => (error ? reject(error) : resolve(n))))
}

export const zeroFill: ZeroFill | undefined =
  process.platform === 'win32'
    ? undefined
    : async (views) => {
        const fd = await zeroDevice()
        let rest = views.filter((v) => v.byteLength > 0)
        while (rest.length > 0) {
          let n = await readvOnce(fd, rest.slice(0, MAX_VIEWS))
          if (n <= 0) throw new Error('/dev/zero returned no bytes')
          // Drop what was filled (a short read leaves part of a view).
          let i = 0
          while (i < rest.length && n >= rest[i]!.byteLength) n -= rest[i++]!.byteLength
          rest = rest.slice(i)
          if (n > 0) rest[0] = rest[0]!.subarray(n)
        }
      }
