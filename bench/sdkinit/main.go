// Command sdkinit links the AWS SDK's service packages that awsmfa links
// (STS, SSO, SSO OIDC) and does nothing else: the bench counts what their
// package init costs every awsmfa process.
package main

import (
	_ "github.com/aws/aws-sdk-go-v2/service/sso"
	_ "github.com/aws/aws-sdk-go-v2/service/ssooidc"
	_ "github.com/aws/aws-sdk-go-v2/service/sts"
)

func main() {}
