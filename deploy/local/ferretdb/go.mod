// Pins the FerretDB release deploy/local/install.sh builds; nothing here is compiled.
module cordial.local/ferretdb

go 1.24

require github.com/FerretDB/FerretDB v1.24.2
