/** Something the Graph side sent: a response (each sub-response of a $batch too) or a notification to a subscriber. */
export type GraphOutput =
  | { kind: "response"; endpoint: string; status: number; contentType: string; body: string }
  | { kind: "notification"; url: string; body: string };

export type GraphOutputListener = (output: GraphOutput) => void;

/** Who is told of every output, e.g. the sandbox's own tests, which hold each one against Microsoft's schema. */
export class GraphOutputs {
  readonly #listeners = new Set<GraphOutputListener>();

  get observed(): boolean {
    return this.#listeners.size > 0;
  }

  listen(listener: GraphOutputListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  emit(output: GraphOutput): void {
    for (const listener of this.#listeners) listener(output);
  }
}
