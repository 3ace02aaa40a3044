import { benchCrypto } from "./crypto";
import { benchPreview } from "./preview";
import { benchProvider } from "./provider";
import { benchSideBySide } from "./side-by-side";

/** `npm run bench` runs every section; `npm run bench -- preview side-by-side` runs those named. */
const SECTIONS: Record<string, () => void | Promise<void>> = {
  crypto: benchCrypto,
  provider: benchProvider,
  "side-by-side": benchSideBySide,
  preview: benchPreview,
};

async function main(names: string[]): Promise<void> {
  const unknown = names.filter((name) => !(name in SECTIONS));
  if (unknown.length > 0) {
    throw new Error(
      `unknown bench section ${unknown.join(", ")}; sections: ${Object.keys(SECTIONS).join(", ")}`,
    );
  }
  for (const name of names.length > 0 ? names : Object.keys(SECTIONS)) await SECTIONS[name]?.();
}

main(process.argv.slice(2)).catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
