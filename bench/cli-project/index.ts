import * as pulumi from "@pulumi/pulumi";
import * as phala from "pulumi-phala";

// Stack config: `cvmIds` (comma-separated) and `env` (JSON object); provider config `phala:*`.
const config = new pulumi.Config();
const env = JSON.parse(config.require("env")) as Record<string, string>;

export const envKeys = config
  .require("cvmIds")
  .split(",")
  .map((cvmId, i) => new phala.CvmEnvironment(`env-${i}`, { cvmId, env }).envKeys);
