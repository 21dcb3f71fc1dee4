import Foundation
import Testing
@testable import BallotCore
