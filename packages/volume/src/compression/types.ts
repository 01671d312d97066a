export type NativeDecoding = 'gzip' | 'deflate' | 'br'
export type NativeEncoding = 'gzip' | 'deflate' | 'br'
