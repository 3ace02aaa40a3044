import * as pulumi from "@pulumi/pulumi";
import * as phala from "pulumi-phala";

// Stack config (project namespace): `webCvmId`, `workerCvmId`, secrets `apiToken` and `databaseUrl`,
// optional `logLevel` and `featureFlag`. Provider config: `phala:apiKey` (and `phala:apiUrl`), plus
// `phala:privateKey` / `phala:rpcUrl` for the on-chain registration.
const config = new pulumi.Config();

const web = new phala.CvmEnvironment("web-env", {
  cvmId: config.require("webCvmId"),
  env: {
    LOG_LEVEL: config.get("logLevel") ?? "info",
    API_TOKEN: config.requireSecret("apiToken"),
  },
});

const featureFlag = config.get("featureFlag");
const worker = new phala.CvmEnvironment("worker-env", {
  cvmId: config.require("workerCvmId"),
  env: {
    DATABASE_URL: config.requireSecret("databaseUrl"),
    ...(featureFlag ? { FEATURE_FLAG: featureFlag } : {}),
  },
});

export const webCvm = web.canonicalCvmId;
export const webEnvKeys = web.envKeys;
export const workerCvm = worker.canonicalCvmId;
export const workerEnvKeys = worker.envKeys;
export const workerChainId = worker.chainId;
export const workerComposeHash = worker.composeHash;
export const workerRegistrationTx = worker.registrationTransactionHash;
