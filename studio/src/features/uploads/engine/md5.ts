import SparkMD5 from "spark-md5";

const READ_BYTES = 4 * 1024 * 1024;

/** The hex MD5 of a Blob (a slice of a File), read a few MiB at a time. */
export async function md5OfBlob(blob: Blob): Promise<string> {
  const hash = new SparkMD5.ArrayBuffer();
  for (let offset = 0; offset < blob.size; offset += READ_BYTES) {
    hash.append(await blob.slice(offset, offset + READ_BYTES).arrayBuffer());
  }
  return hash.end();
}
