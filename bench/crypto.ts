import {
  decryptEnv,
  type EnvVar,
  encryptEnv,
  randomX25519SecretKey,
  x25519PublicKey,
} from "../provider/crypto";
import { measure, printTimings } from "./measure";

function environment(count: number, valueBytes: number): EnvVar[] {
  return Array.from({ length: count }, (_, i) => ({ key: `VAR_${i}`, value: "v".repeat(valueBytes) }));
}

/** Encrypt and decrypt time for a small environment and for one at the guest's limits. */
export function benchCrypto(): void {
  const secretKey = randomX25519SecretKey();
  const publicKey = x25519PublicKey(secretKey);
  const small = environment(10, 32);
  const large = environment(1024, 1000); // 1024 keys, ~1 MiB in all: the guest's limits
  const smallBlob = encryptEnv(small, publicKey);
  const largeBlob = encryptEnv(large, publicKey);
  const mib = (Buffer.byteLength(JSON.stringify({ env: large })) / 2 ** 20).toFixed(2);
  printTimings("env encryption (X25519 + AES-256-GCM)", [
    measure("encrypt, 10 keys", 200, () => encryptEnv(small, publicKey)),
    measure("decrypt, 10 keys", 200, () => decryptEnv(smallBlob, secretKey)),
    measure(`encrypt, 1024 keys (${mib} MiB plaintext)`, 20, () => encryptEnv(large, publicKey)),
    measure(`decrypt, 1024 keys (${mib} MiB plaintext)`, 20, () => decryptEnv(largeBlob, secretKey)),
  ]);
}
