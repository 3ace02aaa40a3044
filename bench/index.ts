import { benchCrypto } from "./crypto";

benchCrypto();
