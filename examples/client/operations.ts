import { graphql } from './generated';

export const REGISTER = graphql(`
  mutation Register($email: EmailAddress!, $password: String!) {
    register(email: $email, password: $password) {
      accessToken
      refreshToken
      accessTokenExpiresAt
      user {
        id
        email
        role
      }
    }
  }
`);

export const LOGIN = graphql(`
  mutation Login($email: EmailAddress!, $password: String!) {
    login(email: $email, password: $password) {
      accessToken
      refreshToken
      user {
        id
        email
      }
    }
  }
`);

export const ME = graphql(`
  query Me {
    me {
      id
      email
      role
    }
  }
`);

export const LOGOUT = graphql(`
  mutation Logout {
    logout {
      jti
      reason
      expiresAt
    }
  }
`);
