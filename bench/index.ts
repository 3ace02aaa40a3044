import { benchCrypto } from "./crypto";
import { benchProvider } from "./provider";

benchCrypto();
benchProvider().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
