export function wasmSourceHash(packageDir: string): string
