import * as pulumi from "@pulumi/pulumi";
import * as phala from "pulumi-phala";

/**
 * Stack config (project namespace): `webCvmId`, `workerCvmId`, secrets `apiToken` and `databaseUrl`,
 * optional `logLevel` and `featureFlag`. Provider config: `phala:apiKey` (and `phala:apiUrl`), plus
 * `phala:privateKey` / `phala:rpcUrl` for the on-chain registration.
 */
export default async function program() {
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

  return {
    webCvm: web.canonicalCvmId,
    webEnvKeys: web.envKeys,
    webCorrelationId: web.correlationId,
    workerCvm: worker.canonicalCvmId,
    workerEnvKeys: worker.envKeys,
    workerChainId: worker.chainId,
    workerComposeHash: worker.composeHash,
    workerRegistrationTx: worker.registrationTransactionHash,
    workerCorrelationId: worker.correlationId,
  };
}
