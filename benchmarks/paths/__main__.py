from benchmarks.paths.run import main

main()
