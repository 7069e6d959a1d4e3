// File paths as the compiler shows and compares them. One home, so `build`, `watch`, `check`, `graph`
// and the Vite plugin agree on what is inside a folder (a folder named `..foo` is inside; `..` is not)
// and on how a path is shown.

import { isAbsolute, relative, sep } from "node:path";

/** The platform's separators as `/` (a no-op on POSIX, where `\` is an ordinary file-name character). */
export function toSlashes(path: string): string {
  return sep === "/" ? path : path.split(sep).join("/");
}

/** Every backslash as `/`: paths a caller passes to `compile` (spec and output paths, which may be
 * Windows-style) compute like POSIX ones. Pure text; nothing here asks the platform. */
export function normalizeSlashes(path: string): string {
  return path.replace(/\\/g, "/");
}

/**
 * Whether `path` lies strictly inside `folder` (both absolute). `folder/..foo` is inside; `folder/../x`
 * and `folder` itself are not.
 *
 * @example isInside("/repo/specs/a.yaml", "/repo/specs") // true
 */
export function isInside(path: string, folder: string): boolean {
  const fromFolder = relative(folder, path);
  return fromFolder !== "" && !leavesFolder(fromFolder);
}

/** `path` is `folder` or inside it. */
export function isWithin(path: string, folder: string): boolean {
  return relative(folder, path) === "" || isInside(path, folder);
}

/**
 * A path as shown to the user: relative to `base` with `/` when inside it, else absolute (also for
 * `base` itself, which has no shorter name).
 *
 * @example displayPath("/repo/specs/joke.yaml", "/repo") // "specs/joke.yaml"
 * @example displayPath("/elsewhere/x.yaml", "/repo")     // "/elsewhere/x.yaml"
 */
export function displayPath(absolute: string, base: string): string {
  return isInside(absolute, base) ? toSlashes(relative(base, absolute)) : toSlashes(absolute);
}

/** A relative path that climbs out of its base (`..`, `../x`) or is on another drive. */
function leavesFolder(fromFolder: string): boolean {
  return fromFolder === ".." || fromFolder.startsWith(`..${sep}`) || isAbsolute(fromFolder);
}
