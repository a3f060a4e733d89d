import {
  GraphQLError,
  Kind,
  type ASTVisitor,
  type FragmentDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
} from 'graphql';

/**
 * The fields an operation selects, fragments expanded (each spread counts its fragment's fields
 * again), aliases and `__typename` included. Fragment sizes are remembered, so a document that
 * spreads fragments into each other is counted in linear time even when it expands enormously.
 */
function fieldsIn(
  selectionSet: SelectionSetNode,
  fragments: Map<string, FragmentDefinitionNode>,
  sizes: Map<string, number>,
  active: Set<string>,
): number {
  let count = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      count += 1 + (selection.selectionSet ? fieldsIn(selection.selectionSet, fragments, sizes, active) : 0);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      count += fieldsIn(selection.selectionSet, fragments, sizes, active);
    } else {
      const name = selection.name.value;
      let size = sizes.get(name);
      const fragment = fragments.get(name);
      // Unknown fragments and cycles are reported by graphql's own rules.
      if (size === undefined && fragment && !active.has(name)) {
        active.add(name);
        size = fieldsIn(fragment.selectionSet, fragments, sizes, active);
        active.delete(name);
        sizes.set(name, size);
      }
      count += size ?? 0;
    }
  }
  return count;
}

/**
 * Refuses operations that select more than `maxFields` fields (after expanding fragments): the
 * one bound on a document's width, whatever it is made of (10,000 aliases of `__typename`, a
 * fragment spread a thousand times). Depth has its own rule, list sizes the complexity limit.
 */
export function fieldLimitRule(maxFields: number) {
  return (context: ValidationContext): ASTVisitor => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const definition of context.getDocument().definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    }
    const sizes = new Map<string, number>();
    return {
      OperationDefinition(node) {
        const fields = fieldsIn(node.selectionSet, fragments, sizes, new Set());
        if (fields > maxFields) {
          context.reportError(
            new GraphQLError(`The operation selects ${fields} fields, more than the maximum of ${maxFields}`, {
              nodes: [node],
              extensions: { reason: 'TOO_MANY_FIELDS', fields, maxFields },
            }),
          );
        }
        return false;
      },
    };
  };
}
