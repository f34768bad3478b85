module github.com/iso27035/iso27035/adapters

go 1.26.0

require github.com/iso27035/iso27035 v0.0.0

replace github.com/iso27035/iso27035 => ../
