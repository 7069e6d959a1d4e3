// Atomic file writes: the contents go to a temporary file beside the target, are flushed, then renamed
// over it. A reader (a dev server, a type checker, watch mode) sees the old file or the new one, never
// half of one, and a crash leaves at most a `.flowspec-tmp-*` file (git-ignored) behind.

import { randomBytes } from "node:crypto";
import { mkdir, open, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/** Writes `contents` (UTF-8) to `path`, creating its folder if needed. */
export async function writeFileAtomic(path: string, contents: string): Promise<void> {
  const folder = dirname(path);
  await mkdir(folder, { recursive: true });
  const temp = join(folder, `.flowspec-tmp-${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}`);
  try {
    const handle = await open(temp, "wx");
    try {
      await handle.writeFile(contents, "utf8");
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
