/** S3 (SigV4) credentials. */
export interface S3Credentials {
  accessKeyId: string
  secretAccessKey: string
  sessionToken?: string
  /** Default `us-east-1`. */
  region?: string
}
