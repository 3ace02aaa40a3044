import assert from "node:assert/strict";
import { createPublicClient, http } from "viem";
import {
  assertBuiltProviderFresh,
  DynamicProviderHost,
  type Props,
  secret,
} from "../../scripts/host/dynamic-provider-host";
import { userStateProviderText } from "../../scripts/host/user-state-provider-text";
import { useEmulator } from "../support/fixtures";

const PROJECT = "host-test";
const URN = `urn:pulumi:host::${PROJECT}::pulumi-nodejs:dynamic:CvmEnvironment::interrupted`;

/**
 * The dynamic-provider host killed (SIGKILL) once the API accepted phase 2 of a key-set change: the
 * engine keeps the old outputs, the CVM runs the new keys. The next run, in a new host process, must
 * finish without a second transaction and name the one behind the CVM's compose hash.
 */
describe("CvmEnvironment after the provider host was killed mid-update (gRPC)", function () {
  this.timeout(180_000);
  const emulator = useEmulator({ settings: { operationDurationMs: 200 } });
  let providerText: string;
  const hosts: DynamicProviderHost[] = [];

  before(async () => {
    assertBuiltProviderFresh();
    providerText = await userStateProviderText();
  });
  after(async () => {
    for (const host of hosts) await host.stop();
  });

  async function configuredHost(): Promise<DynamicProviderHost> {
    const host = await DynamicProviderHost.start({ project: PROJECT });
    hosts.push(host);
    await host.configure({
      "phala:apiKey": secret(emulator.apiKey),
      "phala:apiUrl": emulator.apiUrl,
      "phala:privateKey": secret(emulator.appOwner.privateKey),
      "phala:rpcUrl": secret(emulator.chain.rpcUrl),
    });
    return host;
  }
  const checked = async (host: DynamicProviderHost, olds: Props, news: Props) => {
    const result = await host.check({ urn: URN, olds, news: { ...news, __provider: providerText } });
    assert.deepEqual(result.failures, []);
    return result.inputs;
  };

  it("the next run in a new host keeps the registration transaction and sends no second one", async () => {
    const seeded = await emulator.createCvm({
      name: "host-interrupted",
      kms: "onchain",
      owner: emulator.appOwner.address,
    });
    const first = await configuredHost();
    const createInputs = await checked(first, {}, { cvmId: seeded.id, env: { A: "1" } });
    const created = await first.create({ urn: URN, properties: createInputs });

    const news = { cvmId: seeded.id, env: { A: "1", B: "2" }, overwriteForeignEnv: true };
    const updateInputs = await checked(first, createInputs, news);
    const before = emulator.requests().length;
    const phase2Accepted = () =>
      emulator
        .requests()
        .slice(before)
        .filter((r) => r.route === "PATCH /cvms/{id}/envs" && r.path.includes(seeded.id))
        .map((r) => r.status)
        .join(",")
        .includes("465,202");
    const interrupted = first
      .update({ id: created.id, urn: URN, olds: created.properties, news: updateInputs })
      .then(
        () => "finished",
        () => "killed",
      );
    for (let i = 0; i < 600 && !phase2Accepted(); i++) await new Promise((r) => setTimeout(r, 25));
    assert.ok(phase2Accepted(), "phase 2 was accepted");
    const registered = [...first.stderr().matchAll(/Registered in transaction (0x[0-9a-f]{64})/g)].at(
      -1,
    )?.[1];
    assert.notEqual(registered, created.properties.registrationTransactionHash);
    assert.ok(registered, "the killed host reported its transaction");
    await first.kill();
    assert.equal(await interrupted, "killed");

    await emulator.waitForIdle(seeded.id);
    assert.deepEqual(emulator.inspectCvm(seeded.id).allowed_envs, ["A", "B"]);
    const chain = createPublicClient({ transport: http(emulator.chain.rpcUrl) });
    const nonceOfOwner = () => chain.getTransactionCount({ address: emulator.appOwner.address });
    const nonceBefore = await nonceOfOwner();

    // The engine retries with the outputs it still holds: those of the create.
    const second = await configuredHost();
    const retryInputs = await checked(second, createInputs, news);
    const updated = await second.update({
      id: created.id,
      urn: URN,
      olds: created.properties,
      news: retryInputs,
    });
    assert.equal(updated.properties.registrationTransactionHash, registered);
    assert.equal(updated.properties.composeHash, emulator.inspectCvm(seeded.id).compose_hash);
    assert.equal(await nonceOfOwner(), nonceBefore, "no second transaction");
  });
});
