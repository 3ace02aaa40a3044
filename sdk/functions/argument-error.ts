import { nameAfterClass } from "../../provider/phala-error";

/** One rejected argument: its dotted name (`kmsId`, `options.timeoutMs`) and what was wrong with it. */
export interface ArgumentProblem {
  argument: string;
  problem: string;
}

/**
 * Arguments of a data-source function that do not validate. Thrown before any request is made. The
 * message names the function and each offending argument; it never repeats a value.
 */
export class InvalidArgumentError extends TypeError {
  readonly functionName: string;
  readonly problems: ArgumentProblem[];

  constructor(functionName: string, problems: ArgumentProblem[]) {
    const listed = problems.map((p) => `argument "${p.argument}" ${p.problem}`).join("; ");
    super(`${functionName}: ${listed}`);
    this.functionName = functionName;
    this.problems = problems;
    nameAfterClass(this, new.target);
  }
}
