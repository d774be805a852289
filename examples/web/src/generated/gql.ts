/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  mutation SignIn($email: EmailAddress!, $password: String!) {\n    login(email: $email, password: $password, refreshTokenDelivery: COOKIE) {\n      accessToken\n    }\n  }\n": typeof types.SignInDocument,
    "\n  mutation CreateAccount($email: EmailAddress!, $password: String!) {\n    register(email: $email, password: $password, refreshTokenDelivery: COOKIE) {\n      accessToken\n    }\n  }\n": typeof types.CreateAccountDocument,
    "\n  mutation RefreshSession {\n    refreshToken {\n      accessToken\n    }\n  }\n": typeof types.RefreshSessionDocument,
    "\n  query Profile {\n    me {\n      id\n      email\n      emailVerified\n      role\n      mfa {\n        totp\n        recoveryCodesLeft\n        passkeys\n      }\n    }\n  }\n": typeof types.ProfileDocument,
    "\n  mutation SignOut {\n    logout {\n      jti\n    }\n  }\n": typeof types.SignOutDocument,
    "\n  mutation RequestPasswordReset($email: EmailAddress!) {\n    requestPasswordReset(email: $email)\n  }\n": typeof types.RequestPasswordResetDocument,
    "\n  mutation ResetPassword($token: String!, $newPassword: String!) {\n    resetPassword(token: $token, newPassword: $newPassword)\n  }\n": typeof types.ResetPasswordDocument,
    "\n  mutation RequestEmailVerification($email: EmailAddress!) {\n    requestEmailVerification(email: $email)\n  }\n": typeof types.RequestEmailVerificationDocument,
    "\n  mutation VerifyEmail($token: String!) {\n    verifyEmail(token: $token)\n  }\n": typeof types.VerifyEmailDocument,
    "\n  mutation StartPasskeySignIn($email: EmailAddress) {\n    startPasskeySignIn(email: $email)\n  }\n": typeof types.StartPasskeySignInDocument,
    "\n  mutation FinishPasskeySignIn($response: JSONObject!) {\n    finishPasskeySignIn(response: $response, refreshTokenDelivery: COOKIE) {\n      accessToken\n    }\n  }\n": typeof types.FinishPasskeySignInDocument,
    "\n  query MyPasskeys {\n    myPasskeys {\n      id\n      name\n      createdAt\n      lastUsedAt\n    }\n  }\n": typeof types.MyPasskeysDocument,
    "\n  mutation StartPasskeyRegistration {\n    startPasskeyRegistration\n  }\n": typeof types.StartPasskeyRegistrationDocument,
    "\n  mutation FinishPasskeyRegistration($response: JSONObject!, $name: String) {\n    finishPasskeyRegistration(response: $response, name: $name) {\n      id\n    }\n  }\n": typeof types.FinishPasskeyRegistrationDocument,
    "\n  mutation RemovePasskey($id: ID!) {\n    removePasskey(id: $id)\n  }\n": typeof types.RemovePasskeyDocument,
    "\n  mutation CompleteSignIn($mfaToken: String!, $code: String!) {\n    completeLogin(mfaToken: $mfaToken, code: $code, refreshTokenDelivery: COOKIE) {\n      accessToken\n    }\n  }\n": typeof types.CompleteSignInDocument,
    "\n  mutation Reauthenticate($password: String, $code: String) {\n    reauthenticate(password: $password, code: $code) {\n      accessToken\n    }\n  }\n": typeof types.ReauthenticateDocument,
    "\n  mutation StartTotpEnrollment {\n    startTotpEnrollment {\n      secret\n      otpauthUri\n    }\n  }\n": typeof types.StartTotpEnrollmentDocument,
    "\n  mutation ConfirmTotpEnrollment($code: String!) {\n    confirmTotpEnrollment(code: $code)\n  }\n": typeof types.ConfirmTotpEnrollmentDocument,
    "\n  mutation DisableTotp($code: String!) {\n    disableTotp(code: $code)\n  }\n": typeof types.DisableTotpDocument,
};
const documents: Documents = {
    "\n  mutation SignIn($email: EmailAddress!, $password: String!) {\n    login(email: $email, password: $password, refreshTokenDelivery: COOKIE) {\n      accessToken\n    }\n  }\n": types.SignInDocument,
    "\n  mutation CreateAccount($email: EmailAddress!, $password: String!) {\n    register(email: $email, password: $password, refreshTokenDelivery: COOKIE) {\n      accessToken\n    }\n  }\n": types.CreateAccountDocument,
    "\n  mutation RefreshSession {\n    refreshToken {\n      accessToken\n    }\n  }\n": types.RefreshSessionDocument,
    "\n  query Profile {\n    me {\n      id\n      email\n      emailVerified\n      role\n      mfa {\n        totp\n        recoveryCodesLeft\n        passkeys\n      }\n    }\n  }\n": types.ProfileDocument,
    "\n  mutation SignOut {\n    logout {\n      jti\n    }\n  }\n": types.SignOutDocument,
    "\n  mutation RequestPasswordReset($email: EmailAddress!) {\n    requestPasswordReset(email: $email)\n  }\n": types.RequestPasswordResetDocument,
    "\n  mutation ResetPassword($token: String!, $newPassword: String!) {\n    resetPassword(token: $token, newPassword: $newPassword)\n  }\n": types.ResetPasswordDocument,
    "\n  mutation RequestEmailVerification($email: EmailAddress!) {\n    requestEmailVerification(email: $email)\n  }\n": types.RequestEmailVerificationDocument,
    "\n  mutation VerifyEmail($token: String!) {\n    verifyEmail(token: $token)\n  }\n": types.VerifyEmailDocument,
    "\n  mutation StartPasskeySignIn($email: EmailAddress) {\n    startPasskeySignIn(email: $email)\n  }\n": types.StartPasskeySignInDocument,
    "\n  mutation FinishPasskeySignIn($response: JSONObject!) {\n    finishPasskeySignIn(response: $response, refreshTokenDelivery: COOKIE) {\n      accessToken\n    }\n  }\n": types.FinishPasskeySignInDocument,
    "\n  query MyPasskeys {\n    myPasskeys {\n      id\n      name\n      createdAt\n      lastUsedAt\n    }\n  }\n": types.MyPasskeysDocument,
    "\n  mutation StartPasskeyRegistration {\n    startPasskeyRegistration\n  }\n": types.StartPasskeyRegistrationDocument,
    "\n  mutation FinishPasskeyRegistration($response: JSONObject!, $name: String) {\n    finishPasskeyRegistration(response: $response, name: $name) {\n      id\n    }\n  }\n": types.FinishPasskeyRegistrationDocument,
    "\n  mutation RemovePasskey($id: ID!) {\n    removePasskey(id: $id)\n  }\n": types.RemovePasskeyDocument,
    "\n  mutation CompleteSignIn($mfaToken: String!, $code: String!) {\n    completeLogin(mfaToken: $mfaToken, code: $code, refreshTokenDelivery: COOKIE) {\n      accessToken\n    }\n  }\n": types.CompleteSignInDocument,
    "\n  mutation Reauthenticate($password: String, $code: String) {\n    reauthenticate(password: $password, code: $code) {\n      accessToken\n    }\n  }\n": types.ReauthenticateDocument,
    "\n  mutation StartTotpEnrollment {\n    startTotpEnrollment {\n      secret\n      otpauthUri\n    }\n  }\n": types.StartTotpEnrollmentDocument,
    "\n  mutation ConfirmTotpEnrollment($code: String!) {\n    confirmTotpEnrollment(code: $code)\n  }\n": types.ConfirmTotpEnrollmentDocument,
    "\n  mutation DisableTotp($code: String!) {\n    disableTotp(code: $code)\n  }\n": types.DisableTotpDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SignIn($email: EmailAddress!, $password: String!) {\n    login(email: $email, password: $password, refreshTokenDelivery: COOKIE) {\n      accessToken\n    }\n  }\n"): (typeof documents)["\n  mutation SignIn($email: EmailAddress!, $password: String!) {\n    login(email: $email, password: $password, refreshTokenDelivery: COOKIE) {\n      accessToken\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateAccount($email: EmailAddress!, $password: String!) {\n    register(email: $email, password: $password, refreshTokenDelivery: COOKIE) {\n      accessToken\n    }\n  }\n"): (typeof documents)["\n  mutation CreateAccount($email: EmailAddress!, $password: String!) {\n    register(email: $email, password: $password, refreshTokenDelivery: COOKIE) {\n      accessToken\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RefreshSession {\n    refreshToken {\n      accessToken\n    }\n  }\n"): (typeof documents)["\n  mutation RefreshSession {\n    refreshToken {\n      accessToken\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Profile {\n    me {\n      id\n      email\n      emailVerified\n      role\n      mfa {\n        totp\n        recoveryCodesLeft\n        passkeys\n      }\n    }\n  }\n"): (typeof documents)["\n  query Profile {\n    me {\n      id\n      email\n      emailVerified\n      role\n      mfa {\n        totp\n        recoveryCodesLeft\n        passkeys\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SignOut {\n    logout {\n      jti\n    }\n  }\n"): (typeof documents)["\n  mutation SignOut {\n    logout {\n      jti\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RequestPasswordReset($email: EmailAddress!) {\n    requestPasswordReset(email: $email)\n  }\n"): (typeof documents)["\n  mutation RequestPasswordReset($email: EmailAddress!) {\n    requestPasswordReset(email: $email)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ResetPassword($token: String!, $newPassword: String!) {\n    resetPassword(token: $token, newPassword: $newPassword)\n  }\n"): (typeof documents)["\n  mutation ResetPassword($token: String!, $newPassword: String!) {\n    resetPassword(token: $token, newPassword: $newPassword)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RequestEmailVerification($email: EmailAddress!) {\n    requestEmailVerification(email: $email)\n  }\n"): (typeof documents)["\n  mutation RequestEmailVerification($email: EmailAddress!) {\n    requestEmailVerification(email: $email)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation VerifyEmail($token: String!) {\n    verifyEmail(token: $token)\n  }\n"): (typeof documents)["\n  mutation VerifyEmail($token: String!) {\n    verifyEmail(token: $token)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation StartPasskeySignIn($email: EmailAddress) {\n    startPasskeySignIn(email: $email)\n  }\n"): (typeof documents)["\n  mutation StartPasskeySignIn($email: EmailAddress) {\n    startPasskeySignIn(email: $email)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation FinishPasskeySignIn($response: JSONObject!) {\n    finishPasskeySignIn(response: $response, refreshTokenDelivery: COOKIE) {\n      accessToken\n    }\n  }\n"): (typeof documents)["\n  mutation FinishPasskeySignIn($response: JSONObject!) {\n    finishPasskeySignIn(response: $response, refreshTokenDelivery: COOKIE) {\n      accessToken\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MyPasskeys {\n    myPasskeys {\n      id\n      name\n      createdAt\n      lastUsedAt\n    }\n  }\n"): (typeof documents)["\n  query MyPasskeys {\n    myPasskeys {\n      id\n      name\n      createdAt\n      lastUsedAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation StartPasskeyRegistration {\n    startPasskeyRegistration\n  }\n"): (typeof documents)["\n  mutation StartPasskeyRegistration {\n    startPasskeyRegistration\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation FinishPasskeyRegistration($response: JSONObject!, $name: String) {\n    finishPasskeyRegistration(response: $response, name: $name) {\n      id\n    }\n  }\n"): (typeof documents)["\n  mutation FinishPasskeyRegistration($response: JSONObject!, $name: String) {\n    finishPasskeyRegistration(response: $response, name: $name) {\n      id\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RemovePasskey($id: ID!) {\n    removePasskey(id: $id)\n  }\n"): (typeof documents)["\n  mutation RemovePasskey($id: ID!) {\n    removePasskey(id: $id)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CompleteSignIn($mfaToken: String!, $code: String!) {\n    completeLogin(mfaToken: $mfaToken, code: $code, refreshTokenDelivery: COOKIE) {\n      accessToken\n    }\n  }\n"): (typeof documents)["\n  mutation CompleteSignIn($mfaToken: String!, $code: String!) {\n    completeLogin(mfaToken: $mfaToken, code: $code, refreshTokenDelivery: COOKIE) {\n      accessToken\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Reauthenticate($password: String, $code: String) {\n    reauthenticate(password: $password, code: $code) {\n      accessToken\n    }\n  }\n"): (typeof documents)["\n  mutation Reauthenticate($password: String, $code: String) {\n    reauthenticate(password: $password, code: $code) {\n      accessToken\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation StartTotpEnrollment {\n    startTotpEnrollment {\n      secret\n      otpauthUri\n    }\n  }\n"): (typeof documents)["\n  mutation StartTotpEnrollment {\n    startTotpEnrollment {\n      secret\n      otpauthUri\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConfirmTotpEnrollment($code: String!) {\n    confirmTotpEnrollment(code: $code)\n  }\n"): (typeof documents)["\n  mutation ConfirmTotpEnrollment($code: String!) {\n    confirmTotpEnrollment(code: $code)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DisableTotp($code: String!) {\n    disableTotp(code: $code)\n  }\n"): (typeof documents)["\n  mutation DisableTotp($code: String!) {\n    disableTotp(code: $code)\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;