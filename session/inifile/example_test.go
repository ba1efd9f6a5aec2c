package inifile_test

import (
	"fmt"

	"github.com/awsmfa-tray/awsmfa-tray/session/inifile"
)

func Example() {
	f := inifile.Parse([]byte(`# my keys
[myaccountPerm]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE ; laptop

[myaccount] ; sessions go here
aws_security_token = stale
region = eu-west-1
`))
	if err := f.Set("myaccount", "aws_session_token", "FwoGZXIvYXdzEJr+token/=="); err != nil {
		fmt.Println(err)
	}
	if _, err := f.Delete("myaccount", "aws_security_token"); err != nil {
		fmt.Println(err)
	}
	v, _ := f.Get("myaccountPerm", "aws_access_key_id")
	fmt.Println(f.Sections(), v)
	fmt.Print(string(f.Bytes()))
	// Output:
	// [myaccountPerm myaccount] AKIAIOSFODNN7EXAMPLE
	// # my keys
	// [myaccountPerm]
	// aws_access_key_id = AKIAIOSFODNN7EXAMPLE ; laptop
	//
	// [myaccount] ; sessions go here
	// region = eu-west-1
	// aws_session_token = FwoGZXIvYXdzEJr+token/==
}
