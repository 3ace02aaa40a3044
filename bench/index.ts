import { benchCrypto } from "./crypto";
import { benchProvider } from "./provider";
import { benchSideBySide } from "./side-by-side";

benchCrypto();
benchProvider()
  .then(benchSideBySide)
  .catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
