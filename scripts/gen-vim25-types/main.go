// Command gen-vim25-types reads govmomi's vim25/types sources (types.go, enum.go, if.go) with
// go/parser and writes the type table the router's decoder loads at start
// (router/src/vcenter/vim25-types.generated.json).
//
// The table keeps, per vim25 data type: its base type (the embedded struct) and its own fields
// in declaration order, each with its XML element name, its vim25 type and flags. The Go
// field name is written only when it is not the XML name with its first letter upper-cased,
// because the router names JSON fields the way Go's encoding/json named govmomi's fields.
//
// It reads the sources as syntax only, so it needs no module download and no compilation of
// govmomi: `go run` in GOPATH mode over the Debian package is enough.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"unicode"
)

// Field flags; the decoder (router/src/vcenter/type-table.ts) reads the same bits.
const (
	flagRepeated    = 1  // a Go slice: zero value null, always an array when present
	flagPointer     = 2  // a Go pointer: zero value null
	flagPolymorphic = 4  // a Go interface (Base*, AnyType): the value has an xsi:type
	flagAttribute   = 8  // an XML attribute of the parent element (ManagedObjectReference.type)
	flagCharData    = 16 // the parent element's text (ManagedObjectReference value)
)

// Go built-in or well-known types and the vim25 (XML Schema) type they carry.
var primitiveTypes = map[string]string{
	"string":    "string",
	"bool":      "boolean",
	"int8":      "byte",
	"byte":      "byte",
	"int16":     "short",
	"int32":     "int",
	"int64":     "long",
	"float32":   "float",
	"float64":   "double",
	"time.Time": "dateTime",
	"AnyType":   "anyType",
}

type field struct {
	xmlName string
	goName  string
	typ     string
	flags   int
}

type structType struct {
	goName string
	base   string // Go name of the embedded struct, "" for none
	fields []field
}

type generator struct {
	structs   map[string]*structType // by Go name
	enums     map[string][]string    // by Go name (= vim25 name)
	vimNames  map[string]string      // Go name -> vim25 name, from the registry init functions
	ifaceBase map[string]string      // Base* interface -> Go name of the struct it stands for
}

func main() {
	dir := flag.String("types", "", "govmomi vim25/types directory")
	out := flag.String("out", "", "output JSON file")
	source := flag.String("source", "govmomi vim25/types", "what the table was generated from")
	flag.Parse()
	if *dir == "" || *out == "" {
		fail(fmt.Errorf("usage: gen-vim25-types -types DIR -out FILE [-source TEXT]"))
	}

	g := &generator{
		structs:   map[string]*structType{},
		enums:     map[string][]string{},
		vimNames:  map[string]string{},
		ifaceBase: map[string]string{},
	}
	for _, name := range []string{"types.go", "enum.go", "if.go"} {
		if err := g.readFile(filepath.Join(*dir, name)); err != nil {
			fail(err)
		}
	}
	data, err := g.render(*source)
	if err != nil {
		fail(err)
	}
	if err := os.WriteFile(*out, data, 0o644); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "gen-vim25-types:", err)
	os.Exit(1)
}

func (g *generator) readFile(path string) error {
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, path, nil, 0)
	if err != nil {
		return err
	}
	for _, decl := range file.Decls {
		switch d := decl.(type) {
		case *ast.GenDecl:
			if err := g.readGenDecl(d); err != nil {
				return fmt.Errorf("%s: %w", fset.Position(d.Pos()), err)
			}
		case *ast.FuncDecl:
			if d.Name.Name == "init" && d.Recv == nil && d.Body != nil {
				g.readRegistrations(d.Body)
			}
		}
	}
	return nil
}

func (g *generator) readGenDecl(d *ast.GenDecl) error {
	switch d.Tok {
	case token.TYPE:
		for _, spec := range d.Specs {
			ts := spec.(*ast.TypeSpec)
			if st, ok := ts.Type.(*ast.StructType); ok {
				parsed, err := g.readStruct(ts.Name.Name, st)
				if err != nil {
					return fmt.Errorf("%s: %w", ts.Name.Name, err)
				}
				g.structs[ts.Name.Name] = parsed
			} else if id, ok := ts.Type.(*ast.Ident); ok && id.Name == "string" {
				if _, seen := g.enums[ts.Name.Name]; !seen {
					g.enums[ts.Name.Name] = []string{}
				}
			}
		}
	case token.CONST:
		// Enum values: `VirtualMachinePowerStatePoweredOff = VirtualMachinePowerState("poweredOff")`.
		for _, spec := range d.Specs {
			vs := spec.(*ast.ValueSpec)
			for _, value := range vs.Values {
				call, ok := value.(*ast.CallExpr)
				if !ok || len(call.Args) != 1 {
					continue
				}
				enum, ok1 := call.Fun.(*ast.Ident)
				lit, ok2 := call.Args[0].(*ast.BasicLit)
				if !ok1 || !ok2 || lit.Kind != token.STRING {
					continue
				}
				text, err := strconv.Unquote(lit.Value)
				if err != nil {
					return err
				}
				g.enums[enum.Name] = append(g.enums[enum.Name], text)
			}
		}
	}
	return nil
}

// readRegistrations reads `t["vimName"] = reflect.TypeOf((*GoName)(nil)).Elem()`, which gives
// both the vim25 name of a Go type and the struct a Base* interface decodes to by default.
func (g *generator) readRegistrations(body *ast.BlockStmt) {
	for _, stmt := range body.List {
		assign, ok := stmt.(*ast.AssignStmt)
		if !ok || len(assign.Lhs) != 1 || len(assign.Rhs) != 1 {
			continue
		}
		index, ok := assign.Lhs[0].(*ast.IndexExpr)
		if !ok {
			continue
		}
		key, ok := index.Index.(*ast.BasicLit)
		if !ok || key.Kind != token.STRING {
			continue
		}
		vimName, err := strconv.Unquote(key.Value)
		if err != nil {
			continue
		}
		goName := registeredGoName(assign.Rhs[0])
		if goName == "" {
			continue
		}
		if strings.HasPrefix(vimName, "Base") && vimName != goName {
			g.ifaceBase[vimName] = goName
		} else {
			g.vimNames[goName] = vimName
		}
	}
}

// registeredGoName finds GoName in reflect.TypeOf((*GoName)(nil)).Elem().
func registeredGoName(expr ast.Expr) string {
	name := ""
	ast.Inspect(expr, func(n ast.Node) bool {
		if star, ok := n.(*ast.StarExpr); ok {
			if id, ok := star.X.(*ast.Ident); ok && name == "" {
				name = id.Name
			}
		}
		return true
	})
	return name
}

func (g *generator) readStruct(goName string, st *ast.StructType) (*structType, error) {
	parsed := &structType{goName: goName}
	for i, f := range st.Fields.List {
		if len(f.Names) == 0 {
			id, ok := f.Type.(*ast.Ident)
			if !ok || i != 0 {
				return nil, fmt.Errorf("embedded field other than a first plain struct")
			}
			parsed.base = id.Name
			continue
		}
		if len(f.Names) != 1 || f.Tag == nil {
			return nil, fmt.Errorf("field %s: expected one name and an xml tag", f.Names[0].Name)
		}
		tagText, err := strconv.Unquote(f.Tag.Value)
		if err != nil {
			return nil, err
		}
		xmlName, options := parseXMLTag(reflect.StructTag(tagText).Get("xml"))
		typ, flags, err := typeOf(f.Type)
		if err != nil {
			return nil, fmt.Errorf("field %s: %w", f.Names[0].Name, err)
		}
		if options["attr"] {
			flags |= flagAttribute
		}
		if options["chardata"] {
			flags |= flagCharData
		}
		parsed.fields = append(parsed.fields, field{xmlName, f.Names[0].Name, typ, flags})
	}
	return parsed, nil
}

func parseXMLTag(tag string) (string, map[string]bool) {
	parts := strings.Split(tag, ",")
	options := map[string]bool{}
	for _, option := range parts[1:] {
		options[option] = true
	}
	return parts[0], options
}

// typeOf returns the Go type name (without * and []) and the flags of a field's type.
func typeOf(expr ast.Expr) (string, int, error) {
	switch t := expr.(type) {
	case *ast.Ident:
		return t.Name, 0, nil
	case *ast.SelectorExpr:
		if pkg, ok := t.X.(*ast.Ident); ok {
			return pkg.Name + "." + t.Sel.Name, 0, nil
		}
	case *ast.StarExpr:
		name, flags, err := typeOf(t.X)
		if err != nil || flags != 0 {
			return "", 0, fmt.Errorf("unsupported pointer type")
		}
		return name, flagPointer, nil
	case *ast.ArrayType:
		if t.Len != nil {
			return "", 0, fmt.Errorf("unsupported fixed-length array")
		}
		if id, ok := t.Elt.(*ast.Ident); ok && id.Name == "byte" {
			return "[]byte", 0, nil
		}
		name, flags, err := typeOf(t.Elt)
		if err != nil || flags != 0 {
			return "", 0, fmt.Errorf("unsupported slice type")
		}
		return name, flagRepeated, nil
	}
	return "", 0, fmt.Errorf("unsupported type expression %T", expr)
}

// vimType turns a Go type name into the vim25 type the table records, and adds the flag of a
// polymorphic value.
func (g *generator) vimType(goType string, flags int) (string, int, error) {
	if goType == "[]byte" {
		return "base64Binary", flags, nil
	}
	if goType == "AnyType" {
		return "anyType", flags | flagPolymorphic, nil
	}
	if prim, ok := primitiveTypes[goType]; ok {
		return prim, flags, nil
	}
	if base, ok := g.ifaceBase[goType]; ok {
		name, _, err := g.vimType(base, 0)
		return name, flags | flagPolymorphic, err
	}
	if _, ok := g.enums[goType]; ok {
		return goType, flags, nil
	}
	if _, ok := g.structs[goType]; ok {
		return g.vimName(goType), flags, nil
	}
	return "", 0, fmt.Errorf("unknown type %s", goType)
}

func (g *generator) vimName(goName string) string {
	if name, ok := g.vimNames[goName]; ok {
		return name
	}
	return goName
}

// isDataType leaves out the method wrappers (FooRequestType, FooResponse, Foo_Task): the
// router decodes data objects, never requests.
func (g *generator) isDataType(st *structType) bool {
	for _, f := range st.fields {
		if f.xmlName == "_this" || f.xmlName == "returnval" {
			return false
		}
	}
	return !strings.HasSuffix(st.goName, "RequestType") && !strings.HasSuffix(st.goName, "Response")
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	r[0] = unicode.ToUpper(r[0])
	return string(r)
}

// render writes one type per line, sorted, so that a regenerated table diffs well.
func (g *generator) render(source string) ([]byte, error) {
	var buf bytes.Buffer
	header, _ := json.Marshal(source)
	fmt.Fprintf(&buf, "{\n\"source\":%s,\n\"types\":{\n", header)

	names := make([]string, 0, len(g.structs))
	for name, st := range g.structs {
		if g.isDataType(st) {
			names = append(names, name)
		}
	}
	sort.Slice(names, func(i, j int) bool { return g.vimName(names[i]) < g.vimName(names[j]) })
	for i, name := range names {
		line, err := g.renderStruct(g.structs[name])
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		sep := ","
		if i == len(names)-1 {
			sep = ""
		}
		fmt.Fprintf(&buf, "%s%s\n", line, sep)
	}

	buf.WriteString("},\n\"enums\":{\n")
	enumNames := make([]string, 0, len(g.enums))
	for name := range g.enums {
		enumNames = append(enumNames, name)
	}
	sort.Strings(enumNames)
	for i, name := range enumNames {
		key, _ := json.Marshal(name)
		values, _ := json.Marshal(g.enums[name])
		sep := ","
		if i == len(enumNames)-1 {
			sep = ""
		}
		fmt.Fprintf(&buf, "%s:%s%s\n", key, values, sep)
	}
	buf.WriteString("}\n}\n")
	return buf.Bytes(), nil
}

// renderStruct writes `"Name":["Base",[["xmlName","type",flags(,"GoName")],...]]`.
func (g *generator) renderStruct(st *structType) (string, error) {
	base := ""
	if st.base != "" && st.base != "DynamicData" {
		base = g.vimName(st.base)
	}
	fields := make([]interface{}, 0, len(st.fields))
	for _, f := range st.fields {
		typ, flags, err := g.vimType(f.typ, f.flags)
		if err != nil {
			return "", fmt.Errorf("field %s: %w", f.goName, err)
		}
		entry := []interface{}{f.xmlName, typ, flags}
		if f.goName != upperFirst(f.xmlName) {
			entry = append(entry, f.goName)
		}
		fields = append(fields, entry)
	}
	key, _ := json.Marshal(g.vimName(st.goName))
	value, err := json.Marshal([]interface{}{base, fields})
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%s:%s", key, value), nil
}
