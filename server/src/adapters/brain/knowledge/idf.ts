/** Probabilistic IDF, floored so that a token in every document still counts a little. */
export function idfOf(documents: number, containing: number): number {
  return Math.log(1 + (documents - containing + 0.5) / (containing + 0.5));
}
