/**
 * A run-time check of integer class labels: the op passes its labels through unchanged and
 * throws an InputError, naming the function, the label and its position, when one is outside
 * [0, n). The integer-label forms of the cross-entropies select a class per row with it, so a
 * bad label is an error rather than a row that silently selects nothing.
 * @module
 */
import { isFloat } from "../core/dtype.ts";
import { HypatiaTypeError, InputError } from "../core/errors.ts";
import { defineOp, type Op, TensorType, type Variable } from "../core/graph.ts";

/** Params: the public function the labels belong to (named in the error). */
export interface CheckLabelsParams {
  where: string;
}

/** The check (the op): inputs [labels, n]; output the labels. */
export const checkLabelsOp: Op<CheckLabelsParams> = defineOp<CheckLabelsParams>({
  name: "check_labels",
  inferType: ([labels, n], { where }) => {
    if (isFloat(labels.dtype) || labels.dtype === "bool") {
      throw new HypatiaTypeError(`${where}: class labels must be integers, got ${labels.describe()}`);
    }
    if (n.ndim !== 0) throw new HypatiaTypeError(`${where}: the class count must be a scalar`);
    return [new TensorType(labels.dtype, labels.type.shape)];
  },
  perform: ([labels, n], { where }) => {
    const k = n.data[0], d = labels.data;
    for (let i = 0; i < d.length; i++) {
      if (!(d[i] >= 0 && d[i] < k)) {
        throw new InputError(`${where}: class label ${d[i]} at position ${i} is outside [0, ${k})`);
      }
    }
    return [labels];
  },
  notDifferentiable: "class labels are integers",
  format: ([labels]) => labels,
});

/** `labels`, checked at run time to lie in [0, n) (see the module comment). */
export function checkLabels(labels: Variable, n: Variable, where: string): Variable {
  return checkLabelsOp.apply1([labels, n], { where });
}
