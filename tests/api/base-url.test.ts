import assert from "node:assert/strict";
import { PhalaClient } from "../../provider/api";

const API_KEY = "phak_base_url_test_0123456789";
const TOKEN = "tok_in_the_url_7f3a9c";

describe("API URL rules", () => {
  for (const url of [
    "https://cloud-api.phala.com/api/v1",
    "http://127.0.0.1:8000/api/v1",
    "http://127.1.2.3/api/v1",
    "http://localhost:8000/api/v1",
    "http://LOCALHOST/api/v1",
    "http://[::1]:8000/api/v1",
  ]) {
    it(`accepts ${url}`, () => {
      assert.equal(new PhalaClient({ apiKey: API_KEY, baseUrl: url }).baseUrl, url);
    });
  }

  for (const url of [
    `http://cloud-api.phala.com/api/v1/${TOKEN}`,
    `http://127.0.0.1.${TOKEN}.example/api/v1`,
    `http://10.0.0.1/${TOKEN}`,
    `http://[::2]/${TOKEN}`,
    `ftp://127.0.0.1/${TOKEN}`,
    `https://127.0.0.1/api/v1?key=${TOKEN}`,
  ]) {
    it(`refuses ${url.replace(TOKEN, "…")} without repeating it`, () => {
      assert.throws(
        () => new PhalaClient({ apiKey: API_KEY, baseUrl: url }),
        (error: unknown) => {
          assert.ok(error instanceof TypeError);
          assert.match(error.message, /^Phala Cloud API URL /);
          assert.ok(!error.message.includes(TOKEN), error.message);
          return true;
        },
      );
    });
  }
});
