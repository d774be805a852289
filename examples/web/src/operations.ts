import { graphql } from './generated';

export const SIGN_IN = graphql(`
  mutation SignIn($email: EmailAddress!, $password: String!) {
    login(email: $email, password: $password, refreshTokenDelivery: COOKIE) {
      accessToken
    }
  }
`);

export const CREATE_ACCOUNT = graphql(`
  mutation CreateAccount($email: EmailAddress!, $password: String!) {
    register(email: $email, password: $password, refreshTokenDelivery: COOKIE) {
      accessToken
    }
  }
`);

export const REFRESH_SESSION = graphql(`
  mutation RefreshSession {
    refreshToken {
      accessToken
    }
  }
`);

export const PROFILE = graphql(`
  query Profile {
    me {
      id
      email
      emailVerified
      role
      mfa {
        totp
        recoveryCodesLeft
        passkeys
      }
    }
  }
`);

export const SIGN_OUT = graphql(`
  mutation SignOut {
    logout {
      jti
    }
  }
`);

export const REQUEST_PASSWORD_RESET = graphql(`
  mutation RequestPasswordReset($email: EmailAddress!) {
    requestPasswordReset(email: $email)
  }
`);

export const RESET_PASSWORD = graphql(`
  mutation ResetPassword($token: String!, $newPassword: String!) {
    resetPassword(token: $token, newPassword: $newPassword)
  }
`);

export const REQUEST_EMAIL_VERIFICATION = graphql(`
  mutation RequestEmailVerification($email: EmailAddress!) {
    requestEmailVerification(email: $email)
  }
`);

export const VERIFY_EMAIL = graphql(`
  mutation VerifyEmail($token: String!) {
    verifyEmail(token: $token)
  }
`);

export const START_PASSKEY_SIGN_IN = graphql(`
  mutation StartPasskeySignIn($email: EmailAddress) {
    startPasskeySignIn(email: $email)
  }
`);

export const FINISH_PASSKEY_SIGN_IN = graphql(`
  mutation FinishPasskeySignIn($response: JSONObject!) {
    finishPasskeySignIn(response: $response, refreshTokenDelivery: COOKIE) {
      accessToken
    }
  }
`);

export const MY_PASSKEYS = graphql(`
  query MyPasskeys {
    myPasskeys {
      id
      name
      createdAt
      lastUsedAt
    }
  }
`);

export const START_PASSKEY_REGISTRATION = graphql(`
  mutation StartPasskeyRegistration {
    startPasskeyRegistration
  }
`);

export const FINISH_PASSKEY_REGISTRATION = graphql(`
  mutation FinishPasskeyRegistration($response: JSONObject!, $name: String) {
    finishPasskeyRegistration(response: $response, name: $name) {
      id
    }
  }
`);

export const REMOVE_PASSKEY = graphql(`
  mutation RemovePasskey($id: ID!) {
    removePasskey(id: $id)
  }
`);

export const COMPLETE_SIGN_IN = graphql(`
  mutation CompleteSignIn($mfaToken: String!, $code: String!) {
    completeLogin(mfaToken: $mfaToken, code: $code, refreshTokenDelivery: COOKIE) {
      accessToken
    }
  }
`);

export const REAUTHENTICATE = graphql(`
  mutation Reauthenticate($password: String, $code: String) {
    reauthenticate(password: $password, code: $code) {
      accessToken
    }
  }
`);

export const START_TOTP_ENROLLMENT = graphql(`
  mutation StartTotpEnrollment {
    startTotpEnrollment {
      secret
      otpauthUri
    }
  }
`);

export const CONFIRM_TOTP_ENROLLMENT = graphql(`
  mutation ConfirmTotpEnrollment($code: String!) {
    confirmTotpEnrollment(code: $code)
  }
`);

export const DISABLE_TOTP = graphql(`
  mutation DisableTotp($code: String!) {
    disableTotp(code: $code)
  }
`);
