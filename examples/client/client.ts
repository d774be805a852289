import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';

export interface GraphQLError {
  message: string;
  extensions?: { code?: string; [key: string]: unknown };
}

export interface Answer<TData> {
  status: number;
  data: TData | null | undefined;
  errors: GraphQLError[] | undefined;
}

/** Sends one typed operation: the variables and the answer's data are checked by the compiler. */
export async function request<TData, TVariables extends Record<string, unknown>>(
  url: string,
  document: TypedDocumentNode<TData, TVariables>,
  variables: TVariables,
  accessToken?: string,
): Promise<Answer<TData>> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (accessToken) headers.authorization = `Bearer ${accessToken}`;
  const response = await fetch(url, {
    method: 'POST',
    headers,
    body: JSON.stringify({ query: print(document), variables }),
  });
  const body = (await response.json()) as { data?: TData | null; errors?: GraphQLError[] };
  return { status: response.status, data: body.data, errors: body.errors };
}
