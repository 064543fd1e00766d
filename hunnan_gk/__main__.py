from hunnan_gk.cli import main

main()
