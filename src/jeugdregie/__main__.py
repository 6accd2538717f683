from jeugdregie.cli import main

main()
