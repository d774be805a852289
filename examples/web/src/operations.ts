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
      role
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
