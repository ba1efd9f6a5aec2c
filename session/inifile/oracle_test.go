package inifile

// editOp is one edit, as the oracle understands it.
type editOp struct {
	section, key string
	value        *string // nil: the key goes
	drop         bool    // the section goes (RemoveEmptySection)
}

// intendedOnly is the editor's promise, checked the slow way: it reads
// before and after whole, as aws-sdk-go-v2 and as botocore do
// (checkWhole), and reports how either reader sees more (or less) than
// op. It shares no code with the editor's block-wise check beyond the two
// parsers, so it can judge it.
func intendedOnly(before, after []byte, op editOp) error {
	want := map[string]*string{}
	if !op.drop {
		want[op.key] = op.value
	}
	return checkWhole(Parse(before), Parse(after), op.section, want, op.drop, false)
}
