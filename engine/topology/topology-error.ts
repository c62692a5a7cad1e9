/** A topology that cannot run: the message names the node, store or topic at fault. */
export class TopologyError extends Error {
  override name = 'TopologyError';
}
