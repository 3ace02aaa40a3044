// Mocha's spec reporter, plus one plain closing line ("N passed, N failed, N skipped") that any
// tool reading the run can count without knowing mocha.
const { Spec } = require("mocha").reporters;

class SpecWithTotals extends Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once("end", () => {
      const { passes, failures, pending } = runner.stats;
      console.log(`tests: ${passes} passed, ${failures} failed, ${pending} skipped`);
    });
  }
}

module.exports = SpecWithTotals;
