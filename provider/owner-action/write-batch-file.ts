import { mkdir, rename, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { SafeBatchFile } from "./safe-batch";

/** Default folder for owner-action files, relative to the project directory (the program's cwd). */
export const DEFAULT_OWNER_ACTION_DIR = "phala-owner-actions";

/**
 * Writes a batch file as indented JSON into `dir` (created if missing; relative to the cwd) and returns
 * its absolute path. The file is written under a temporary name and renamed, so a reader never sees half.
 */
export async function writeBatchFile(dir: string, fileName: string, file: SafeBatchFile): Promise<string> {
  const folder = resolve(dir);
  await mkdir(folder, { recursive: true });
  const path = join(folder, fileName);
  const partial = `${path}.${process.pid}.partial`;
  await writeFile(partial, `${JSON.stringify(file, null, 2)}\n`, "utf8");
  await rename(partial, path);
  return path;
}
