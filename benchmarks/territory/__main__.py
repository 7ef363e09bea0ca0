from benchmarks.territory.run import main

main()
