// Atomic file writes: the contents go to a temporary file beside the target, are flushed, then renamed
// over it. A reader (a dev server, a type checker, watch mode) sees the old file or the new one, never
// half of one, and a crash leaves at most a `.flowspec-tmp-*` file (git-ignored) behind.
// `assertInsideOutput` keeps writes and deletes inside the output folder: a symbolic link planted in it
// (`generated/a -> /etc`) must not make the compiler write or delete a file elsewhere.

import { randomBytes } from "node:crypto";
import { lstat, mkdir, open, realpath, rename, rm } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { FileAccessError } from "./files.js";
import { displayPath, isWithin } from "./paths.js";

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

/**
 * Refuses (throws) when writing or deleting `path` would go through a symbolic link that leads out of
 * `outDir`: a linked folder between `outDir` and the file, or the file itself a link to somewhere
 * outside. `outDir` itself may be a link (the user chose it); what is inside it may not lead out.
 * @throws FileAccessError naming the path, where the link leads, and the output folder.
 * @example await assertInsideOutput("/repo/generated/a/joke.ts", "/repo/generated")
 */
export async function assertInsideOutput(path: string, outDir: string, cwd = process.cwd()): Promise<void> {
  const realOut = await realpath(outDir).catch(() => undefined);
  if (realOut === undefined) return; // no output folder yet: nothing in it can be a link
  const refuse = (leadsTo: string) => {
    const shown = (p: string) => displayPath(p, resolve(cwd));
    return new FileAccessError(
      `refusing to write or delete ${shown(path)}: it leads through a symbolic link to ${shown(leadsTo)}, outside the output folder ${shown(outDir)}`,
      shown(path),
    );
  };
  // The nearest folder on the way that exists (mkdir creates the rest inside it).
  let folder = dirname(path);
  while (folder !== outDir && folder !== dirname(folder) && (await lstat(folder).catch(() => undefined)) === undefined) folder = dirname(folder);
  const realFolder = await realpath(folder).catch(() => undefined);
  if (realFolder !== undefined && !isWithin(realFolder, realOut)) throw refuse(realFolder);
  const stats = await lstat(path).catch(() => undefined);
  if (stats?.isSymbolicLink()) {
    const target = await realpath(path).catch(() => undefined);
    // A dangling link cannot be followed by rename or rm, but its target could appear: refuse it too.
    if (target === undefined || !isWithin(target, realOut)) throw refuse(target ?? path);
  }
}
