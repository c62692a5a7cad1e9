/** Names a DSL operation's processor node (and the topics/stores derived from it). */
export class Named {
  private constructor(readonly name: string) {}

  static as(name: string): Named {
    if (!name) throw new Error('Named.as: the name must not be empty');
    return new Named(name);
  }
}
