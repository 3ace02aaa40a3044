import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";

export interface ProjectFile {
  name: string;
  /** Absolute program directory. */
  main: string;
}

/** `name` and `main` of a Pulumi.yaml (the two top-level scalars the local engine needs). */
export function readProjectFile(projectDir: string): ProjectFile {
  const text = readFileSync(join(projectDir, "Pulumi.yaml"), "utf8");
  const scalar = (key: string) => text.match(new RegExp(`^${key}:\\s*(\\S+)\\s*$`, "m"))?.[1];
  const name = scalar("name");
  if (!name) throw new Error(`${projectDir}/Pulumi.yaml has no name`);
  return { name, main: resolve(projectDir, scalar("main") ?? ".") };
}
